/** Option parsers shared by the `s2s admin` commands. */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { CliError } from './http.ts';

export function wholeNumber(v: string): number {
  if (!/^\d{1,9}$/.test(v)) throw new InvalidArgumentError('must be a whole number');
  return Number(v);
}

/** `--scopes api,refresh_token` (commas or spaces). */
export function list(v: string): string[] {
  return v.split(/[\s,]+/).filter(Boolean);
}

/** For repeatable options: `--callback-url A --callback-url B`. */
export function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

export function readPem(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** Reads a password from standard input (first line), so it stays out of the process list. */
export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Drops undefined members, so a PATCH names only what was asked for. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
