/**
 * Server configuration: defaults, then environment, then flags (flags win).
 * Invalid values refuse to start with a message naming the setting.
 */

export interface ServerConfig {
  port: number;
  host: string;
  /** `sqlite:./data/s2s.db` (default) or `postgres://…`. */
  databaseUrl: string;
  /** Public base URL; default `http://localhost:<port>` (known after listen when port is 0). */
  issuer?: string;
  /** Create the demo user and app on first start with an empty store. */
  demo: boolean;
  /** Where the demo key pair is written. */
  dataDir: string;
  /** Admin API bearer token; generated on first start when absent. */
  adminToken?: string;
  /** Extra accepted assertion audiences (e.g. https://login.salesforce.com). */
  extraAudiences: string[];
  clockSkewSeconds: number;
  logLevel: string;
  trustProxy: boolean;
}

export const DEFAULTS: ServerConfig = {
  port: 8080,
  host: 'localhost',
  databaseUrl: 'sqlite:./data/s2s.db',
  demo: true,
  dataDir: './data',
  extraAudiences: [],
  clockSkewSeconds: 60,
  logLevel: 'info',
  trustProxy: false,
};

export class ConfigError extends Error {}

function int(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${v}")`);
  }
  return n;
}

function bool(name: string, v: string): boolean {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(`${name} must be true or false (got "${v}")`);
}

/** Reads the S2S_* environment variables over the defaults. */
export function configFromEnv(env: NodeJS.ProcessEnv, base: ServerConfig = DEFAULTS): ServerConfig {
  const c: ServerConfig = { ...base };
  if (env.S2S_PORT) c.port = int('S2S_PORT', env.S2S_PORT, 0, 65535);
  if (env.S2S_HOST) c.host = env.S2S_HOST;
  if (env.S2S_DATABASE_URL) c.databaseUrl = env.S2S_DATABASE_URL;
  if (env.S2S_ISSUER) c.issuer = env.S2S_ISSUER;
  if (env.S2S_DEMO) c.demo = bool('S2S_DEMO', env.S2S_DEMO);
  if (env.S2S_DATA_DIR) c.dataDir = env.S2S_DATA_DIR;
  if (env.S2S_ADMIN_TOKEN) c.adminToken = env.S2S_ADMIN_TOKEN;
  if (env.S2S_ACCEPTED_AUDIENCES) c.extraAudiences = splitList(env.S2S_ACCEPTED_AUDIENCES);
  if (env.S2S_CLOCK_SKEW_SECONDS)
    c.clockSkewSeconds = int('S2S_CLOCK_SKEW_SECONDS', env.S2S_CLOCK_SKEW_SECONDS, 0, 600);
  if (env.S2S_LOG_LEVEL) c.logLevel = env.S2S_LOG_LEVEL;
  if (env.S2S_TRUST_PROXY) c.trustProxy = bool('S2S_TRUST_PROXY', env.S2S_TRUST_PROXY);
  return c;
}

export function splitList(v: string): string[] {
  return v
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Checks a finished configuration; throws ConfigError naming the bad setting. */
export function validateConfig(c: ServerConfig): ServerConfig {
  if (c.issuer !== undefined) {
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
  if (c.adminToken !== undefined && c.adminToken.length < 16) {
    throw new ConfigError('admin token (S2S_ADMIN_TOKEN / --admin-token) must be at least 16 characters');
  }
  for (const a of c.extraAudiences) {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(a)) {
      throw new ConfigError(`S2S_ACCEPTED_AUDIENCES entries must be absolute URIs (got "${a}")`);
    }
  }
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(c.logLevel)) throw new ConfigError(`log level must be one of ${levels.join(', ')}`);
  return c;
}
