/**
 * The config file (`--config FILE`, S2S_CONFIG): one JSON object whose keys are the
 * setting keys of settings.ts (`{"port": 8443, "databaseUrl": "postgres://…"}`). An unknown
 * key, a wrong type or an unreadable file refuses to start, naming the file and the key.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.ts';
import type { ServerConfig } from './index.ts';
import { parseJsonSetting } from './parse.ts';
import { SETTINGS } from './settings.ts';

export function readConfigFile(path: string, base: ServerConfig): ServerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `config file ${path} (S2S_CONFIG / --config) cannot be read: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(`config file ${path} must hold one JSON object of settings`);
  }
  const c: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(json)) {
    const s = SETTINGS.find((x) => x.key === key);
    if (!s)
      throw new ConfigError(`config file ${path}: unknown setting "${key}" (see docs/configuration.md)`);
    if (value === null) continue;
    c[key] = parseJsonSetting(s, value, `"${key}" in config file ${path}`);
  }
  return c as unknown as ServerConfig;
}
