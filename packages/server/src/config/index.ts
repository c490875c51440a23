/**
 * Server configuration. Precedence: flags > environment > config file > defaults.
 * Every setting is listed once, in settings.ts; docs/configuration.md is its reference.
 * Invalid values refuse to start with a message naming the setting.
 */
import { readConfigFile } from './file.ts';
import { parseSetting } from './parse.ts';
import { SETTINGS } from './settings.ts';

export interface ServerConfig {
  port: number;
  host: string;
  /** `sqlite:./data/s2s.db` (default) or `postgres://…`. */
  databaseUrl: string;
  /** Public base URL; default `http(s)://localhost:<port>` (known after listen when port is 0). */
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
  /** PEM files: serve HTTPS directly. Both or neither. */
  tlsCert?: string;
  tlsKey?: string;
  /** Origins allowed by CORS on metadata, JWKS, userinfo and the token endpoint; `*` = any. */
  corsOrigins: string[];
  /** Largest request body on any endpoint, bytes. */
  bodyLimit: number;
  /** A separate listener for GET /metrics (no token); absent: /metrics on the main port needs a token. */
  metricsPort?: number;
  metricsHost: string;
  /** Bearer token for /metrics on the main port (the admin token is accepted too). */
  metricsToken?: string;
  rateLimitWindowSeconds: number;
  /** Per window; 0 turns a limit off. */
  tokenRateLimitPerClient: number;
  tokenRateLimitPerAddress: number;
  loginRateLimitPerAddress: number;
  /** Failed client authentications per (address, client id) before back-off; 0 = off. */
  authFailureLimit: number;
  /** Redis for replay records and rate-limit counters (store/redis/, http/limit_counters_redis.ts). */
  redisUrl?: string;
  /** Processes serving the port (cluster.ts); 0 = one per core in production, else 1. */
  workers: number;
  /** Read cache of apps, secrets, certificates and users (store/cache.ts); 0 = off. */
  cacheTtlSeconds: number;
  /** How often revocations of stateless JWTs are read from the database (oauth/tokens/revocations.ts). */
  revocationPollMs: number;
  /** Background purge of expired rows (services/purge.ts); 0 = off. */
  purgeIntervalSeconds: number;
  /** Audit write-behind delay (store/audit_write_behind.ts); 0 = written in the request. */
  auditFlushMs: number;
  /** How often API calls counted in memory are written (store/api_usage_meter.ts), ms; 0 = every call. */
  apiUsageFlushMs: number;
  /** Drain bound on shutdown. */
  shutdownTimeoutSeconds: number;
  /** S2S_KEY_ENCRYPTION_KEY: base64 32-byte key(s) for private keys at rest. */
  keyEncryptionKey?: string;
  keyRotationOverlapSeconds: number;
  keyRetireAfterSeconds: number;
  keyReloadSeconds: number;
  /** Apply pending migrations at start (default); false refuses to start while any are pending. */
  migrate: boolean;
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
  corsOrigins: [],
  bodyLimit: 65_536,
  metricsHost: '127.0.0.1',
  rateLimitWindowSeconds: 60,
  tokenRateLimitPerClient: 6_000,
  tokenRateLimitPerAddress: 60_000,
  loginRateLimitPerAddress: 60,
  authFailureLimit: 5,
  workers: 0,
  cacheTtlSeconds: 5,
  revocationPollMs: 1000,
  purgeIntervalSeconds: 60,
  apiUsageFlushMs: 1000,
  auditFlushMs: 50,
  shutdownTimeoutSeconds: 10,
  keyRotationOverlapSeconds: 3_600,
  keyRetireAfterSeconds: 90_000,
  keyReloadSeconds: 60,
  migrate: true,
};

export { ConfigError } from './errors.ts';

type Mutable = Record<string, unknown>;

/** Reads the S2S_* environment variables over `base` (an empty variable counts as unset). */
export function configFromEnv(env: NodeJS.ProcessEnv, base: ServerConfig = DEFAULTS): ServerConfig {
  const c: Mutable = { ...base };
  for (const s of SETTINGS) {
    const v = env[s.env];
    if (v) c[s.key] = parseSetting(s, v, s.env);
  }
  return c as unknown as ServerConfig;
}

/** Values from the command line: commander's strings, and booleans for the bare flags. */
export type FlagValues = Partial<Record<keyof ServerConfig, string | boolean>>;

export function configFromFlags(flags: FlagValues, base: ServerConfig): ServerConfig {
  const c: Mutable = { ...base };
  for (const s of SETTINGS) {
    const v = flags[s.key];
    if (v === undefined || !s.flag) continue;
    if (s.kind === 'bool') {
      // `--trust-proxy` can only turn on, `--no-demo` only off; the other way is the default.
      if (s.negatable ? v === false : v === true) c[s.key] = !s.negatable;
    } else if (typeof v === 'string') {
      c[s.key] = parseSetting(s, v, s.flag);
    }
  }
  return c as unknown as ServerConfig;
}

/**
 * The configuration of `s2s serve`: flags > environment > config file > defaults. The file
 * is `--config FILE` or S2S_CONFIG (JSON; keys as in ServerConfig).
 */
export function resolveConfig(input: {
  flags?: FlagValues;
  configFile?: string;
  env: NodeJS.ProcessEnv;
}): ServerConfig {
  const file = input.configFile ?? (input.env.S2S_CONFIG || undefined);
  const fromFile = file ? readConfigFile(file, DEFAULTS) : DEFAULTS;
  return configFromFlags(input.flags ?? {}, configFromEnv(input.env, fromFile));
}

export { splitList } from './parse.ts';

export { validateConfig } from './validate.ts';
