/** Small validators for admin input: each failure is a 400 invalid_request naming the field. */
import { OAuthError } from '../oauth/errors.ts';

export type Json = Record<string, unknown>;

export function bad(field: string, message: string): OAuthError {
  return new OAuthError('invalid_request', `${field}: ${message}`, { field });
}

export function asObject(v: unknown, field: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(field, 'must be an object');
  return v as Json;
}

export function onlyKeys(o: Json, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw bad(prefix ? `${prefix}.${k}` : k, 'is not a known field');
  }
}

export function str(v: unknown, field: string, opts: { min?: number; max?: number } = {}): string {
  if (typeof v !== 'string') throw bad(field, 'must be a string');
  const min = opts.min ?? 1;
  const max = opts.max ?? 255;
  if (v.length < min || v.length > max) throw bad(field, `must be ${min} to ${max} characters`);
  return v;
}

export function optStr(v: unknown, field: string, opts: { max?: number } = {}): string | null {
  if (v === undefined || v === null) return null;
  return str(v, field, { min: 0, ...opts });
}

export function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw bad(field, 'must be true or false');
  return v;
}

export function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(field, `must be a whole number from ${min} to ${max}`);
  }
  return v;
}

export function oneOf<T extends string>(v: unknown, field: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T))
    throw bad(field, `must be one of ${values.join(', ')}`);
  return v as T;
}

export function strArray(v: unknown, field: string, max = 100): string[] {
  if (!Array.isArray(v)) throw bad(field, 'must be an array of strings');
  if (v.length > max) throw bad(field, `may hold at most ${max} entries`);
  return v.map((x, i) => str(x, `${field}[${i}]`, { max: 2048 }));
}
