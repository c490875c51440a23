/** Checks a finished configuration; throws ConfigError naming the bad setting. */
import { parseEncryptionKeys } from '../keys/encryption.ts';
import { ConfigError } from './errors.ts';
import type { ServerConfig } from './index.ts';
import { SETTINGS, settingNames } from './settings.ts';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const named = (key: keyof ServerConfig): string => settingNames(SETTINGS.find((s) => s.key === key)!);

function checkIssuer(c: ServerConfig): void {
  if (c.issuer === undefined) {
    if (c.trustProxy) {
      throw new ConfigError(
        `${named('issuer')} is required with ${named('trustProxy')}: behind a proxy the public URL cannot be guessed from the listen address`,
      );
    }
    return;
  }
  let u: URL;
  try {
    u = new URL(c.issuer);
  } catch {
    throw new ConfigError(`issuer (S2S_ISSUER / --issuer) must be an absolute URL (got "${c.issuer}")`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new ConfigError('issuer (S2S_ISSUER / --issuer) must be an http(s) URL');
  }
  if (u.search || u.hash)
    throw new ConfigError('issuer (S2S_ISSUER / --issuer) must have no query or fragment');
  c.issuer = c.issuer.replace(/\/+$/, '');
}

/** `https://app.example.com` or `http://localhost:3000`: scheme, host, optional port, nothing else. */
function checkOrigin(o: string): void {
  if (o === '*') return;
  let u: URL | undefined;
  try {
    u = new URL(o);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.origin !== o) {
    throw new ConfigError(
      `${named('corsOrigins')} entries must be origins like https://app.example.com, no path or trailing slash (got "${o}")`,
    );
  }
}

export function validateConfig(c: ServerConfig): ServerConfig {
  checkIssuer(c);
  if (c.adminToken !== undefined && c.adminToken.length < 16) {
    throw new ConfigError('admin token (S2S_ADMIN_TOKEN / --admin-token) must be at least 16 characters');
  }
  for (const a of c.extraAudiences) {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(a)) {
      throw new ConfigError(`S2S_ACCEPTED_AUDIENCES entries must be absolute URIs (got "${a}")`);
    }
  }
  if (!LEVELS.includes(c.logLevel)) throw new ConfigError(`log level must be one of ${LEVELS.join(', ')}`);
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
    throw new ConfigError(`${named('tlsCert')} and ${named('tlsKey')} go together: give both or neither`);
  }
  c.corsOrigins.forEach(checkOrigin);
  if (c.metricsPort !== undefined && c.metricsPort !== 0 && c.metricsPort === c.port) {
    throw new ConfigError(`${named('metricsPort')} must differ from ${named('port')}`);
  }
  if (c.metricsToken !== undefined && c.metricsToken.length < 16) {
    throw new ConfigError(`${named('metricsToken')} must be at least 16 characters`);
  }
  if (c.redisUrl !== undefined && !/^rediss?:\/\//.test(c.redisUrl)) {
    throw new ConfigError(`${named('redisUrl')} must start with redis:// or rediss://`);
  }
  if (c.keyEncryptionKey !== undefined) {
    try {
      parseEncryptionKeys(c.keyEncryptionKey);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  if (c.keyRotationOverlapSeconds < c.keyReloadSeconds) {
    throw new ConfigError(
      `${named('keyRotationOverlapSeconds')} must be at least ${named('keyReloadSeconds')} (${c.keyReloadSeconds}), ` +
        'so that every process publishes a new key before any process signs with it',
    );
  }
  return c;
}
