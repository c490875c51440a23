/** One setting's value from text (flags, environment) or JSON (config file), by its kind. */
import { ConfigError } from './errors.ts';
import type { Setting } from './settings.ts';

export function splitList(v: string): string[] {
  return v
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function int(name: string, v: string, min: number, max: number, port: boolean): number {
  const n = /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(
      port
        ? `${name} must be a port number (0–65535) (got "${v}")`
        : `${name} must be a whole number from ${min} to ${max} (got "${v}")`,
    );
  }
  return n;
}

export function bool(name: string, v: string): boolean {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(`${name} must be true or false (got "${v}")`);
}

/** `name` is where the value came from (`S2S_PORT`, `--port`, `port in config.json`). */
export function parseSetting(s: Setting, v: string, name: string): unknown {
  switch (s.kind) {
    case 'port':
      return int(name, v, 0, 65535, true);
    case 'int':
      return int(name, v, s.min ?? 0, s.max ?? Number.MAX_SAFE_INTEGER, false);
    case 'bool':
      return bool(name, v);
    case 'list':
      return splitList(v);
    case 'string':
      return v;
  }
}

/** A config-file value: JSON types where they fit, or the same text the environment takes. */
export function parseJsonSetting(s: Setting, v: unknown, name: string): unknown {
  if (typeof v === 'string') return parseSetting(s, v, name);
  const ok =
    ((s.kind === 'int' || s.kind === 'port') && typeof v === 'number') ||
    (s.kind === 'bool' && typeof v === 'boolean') ||
    (s.kind === 'list' && Array.isArray(v) && v.every((x) => typeof x === 'string'));
  if (!ok) {
    const want = {
      int: 'a number',
      port: 'a number',
      bool: 'true or false',
      list: 'an array of strings',
      string: 'a string',
    };
    throw new ConfigError(`${name} must be ${want[s.kind]} (got ${JSON.stringify(v)})`);
  }
  if (s.kind === 'list') return v;
  return typeof v === 'number' ? parseSetting(s, String(v), name) : v;
}
