/**
 * Every setting of `s2s serve` in one table: its config-file key (the ServerConfig member),
 * flag, environment variable, kind and bounds. The environment reader, the config-file
 * reader, the command-line flags and the reference in docs/configuration.md all follow it
 * (a test checks the document names every flag and variable here).
 */
import type { ServerConfig } from './index.ts';

export type SettingKind = 'int' | 'port' | 'bool' | 'string' | 'list';

export interface Setting {
  /** The config-file key and ServerConfig member. */
  key: keyof ServerConfig;
  kind: SettingKind;
  /** `--port`; absent for settings that are never flags (secrets that would show in `ps`). */
  flag?: string;
  /** Placeholder in `--help` (`<n>`); absent for boolean flags. */
  arg?: string;
  /** For a default-on boolean, the flag turns it off: `--no-demo`. */
  negatable?: boolean;
  env: string;
  min?: number;
  max?: number;
  help: string;
}

export const SETTINGS: readonly Setting[] = [
  {
    key: 'port',
    kind: 'port',
    flag: '--port',
    arg: '<n>',
    env: 'S2S_PORT',
    help: 'TCP port (0 = any free port)',
  },
  { key: 'host', kind: 'string', flag: '--host', arg: '<addr>', env: 'S2S_HOST', help: 'address to bind' },
  {
    key: 'databaseUrl',
    kind: 'string',
    flag: '--db',
    arg: '<url>',
    env: 'S2S_DATABASE_URL',
    help: 'sqlite:PATH or postgres://user@host:port/db',
  },
  {
    key: 'issuer',
    kind: 'string',
    flag: '--issuer',
    arg: '<url>',
    env: 'S2S_ISSUER',
    help: 'public base URL',
  },
  {
    key: 'demo',
    kind: 'bool',
    flag: '--no-demo',
    negatable: true,
    env: 'S2S_DEMO',
    help: 'do not create the demo user and app on first start',
  },
  {
    key: 'dataDir',
    kind: 'string',
    flag: '--data-dir',
    arg: '<dir>',
    env: 'S2S_DATA_DIR',
    help: 'where the demo key pair and credentials are written',
  },
  {
    key: 'adminToken',
    kind: 'string',
    flag: '--admin-token',
    arg: '<token>',
    env: 'S2S_ADMIN_TOKEN',
    help: 'admin API bearer token (generated on first start)',
  },
  {
    key: 'extraAudiences',
    kind: 'list',
    flag: '--accepted-audiences',
    arg: '<list>',
    env: 'S2S_ACCEPTED_AUDIENCES',
    help: 'extra assertion audiences, comma-separated',
  },
  {
    key: 'clockSkewSeconds',
    kind: 'int',
    flag: '--clock-skew',
    arg: '<s>',
    env: 'S2S_CLOCK_SKEW_SECONDS',
    min: 0,
    max: 600,
    help: 'clock skew allowed in time checks, seconds',
  },
  {
    key: 'logLevel',
    kind: 'string',
    flag: '--log-level',
    arg: '<level>',
    env: 'S2S_LOG_LEVEL',
    help: 'fatal|error|warn|info|debug|trace|silent',
  },
  {
    key: 'trustProxy',
    kind: 'bool',
    flag: '--trust-proxy',
    env: 'S2S_TRUST_PROXY',
    help: 'use X-Forwarded-For/-Proto/-Host from a reverse proxy',
  },
  {
    key: 'tlsCert',
    kind: 'string',
    flag: '--tls-cert',
    arg: '<file>',
    env: 'S2S_TLS_CERT',
    help: 'PEM certificate (chain) to serve HTTPS directly; needs --tls-key',
  },
  {
    key: 'tlsKey',
    kind: 'string',
    flag: '--tls-key',
    arg: '<file>',
    env: 'S2S_TLS_KEY',
    help: 'PEM private key of --tls-cert',
  },
  {
    key: 'corsOrigins',
    kind: 'list',
    flag: '--cors-origins',
    arg: '<list>',
    env: 'S2S_CORS_ORIGINS',
    help: 'origins allowed to call metadata, JWKS, userinfo and token from a browser (or *)',
  },
  {
    key: 'bodyLimit',
    kind: 'int',
    flag: '--body-limit',
    arg: '<bytes>',
    env: 'S2S_BODY_LIMIT',
    min: 1024,
    max: 10_485_760,
    help: 'largest request body accepted on any endpoint, bytes',
  },
  {
    key: 'metricsPort',
    kind: 'port',
    flag: '--metrics-port',
    arg: '<n>',
    env: 'S2S_METRICS_PORT',
    help: 'serve GET /metrics on this separate port (no token)',
  },
  {
    key: 'metricsHost',
    kind: 'string',
    flag: '--metrics-host',
    arg: '<addr>',
    env: 'S2S_METRICS_HOST',
    help: 'address the metrics port binds',
  },
  {
    key: 'metricsToken',
    kind: 'string',
    env: 'S2S_METRICS_TOKEN',
    help: 'bearer token for GET /metrics on the main port',
  },
  {
    key: 'rateLimitWindowSeconds',
    kind: 'int',
    flag: '--rate-limit-window',
    arg: '<s>',
    env: 'S2S_RATE_LIMIT_WINDOW_SECONDS',
    min: 1,
    max: 3600,
    help: 'the window of the request rate limits, seconds',
  },
  {
    key: 'tokenRateLimitPerClient',
    kind: 'int',
    flag: '--token-rate-limit-client',
    arg: '<n>',
    env: 'S2S_TOKEN_RATE_LIMIT_CLIENT',
    min: 0,
    max: 10_000_000,
    help: 'token requests per window per authenticated client id (0 = off)',
  },
  {
    key: 'tokenRateLimitPerAddress',
    kind: 'int',
    flag: '--token-rate-limit-address',
    arg: '<n>',
    env: 'S2S_TOKEN_RATE_LIMIT_ADDRESS',
    min: 0,
    max: 10_000_000,
    help: 'token, revoke and introspect requests per window per source address (0 = off)',
  },
  {
    key: 'loginRateLimitPerAddress',
    kind: 'int',
    flag: '--login-rate-limit-address',
    arg: '<n>',
    env: 'S2S_LOGIN_RATE_LIMIT_ADDRESS',
    min: 0,
    max: 10_000_000,
    help: 'sign-in form posts per window per source address (0 = off)',
  },
  {
    key: 'authFailureLimit',
    kind: 'int',
    flag: '--auth-failure-limit',
    arg: '<n>',
    env: 'S2S_AUTH_FAILURE_LIMIT',
    min: 0,
    max: 1000,
    help: 'failed client authentications per address and client id before back-off (0 = off)',
  },
  {
    key: 'redisUrl',
    kind: 'string',
    flag: '--redis',
    arg: '<url>',
    env: 'S2S_REDIS_URL',
    help: 'redis://… : replay records and rate-limit counters shared by every instance',
  },
  {
    key: 'workers',
    kind: 'int',
    flag: '--workers',
    arg: '<n>',
    env: 'S2S_WORKERS',
    min: 0,
    max: 256,
    help: 'processes serving the port (node:cluster); 0 = one per core when NODE_ENV=production, else 1',
  },
  {
    key: 'cacheTtlSeconds',
    kind: 'int',
    flag: '--cache-ttl',
    arg: '<s>',
    env: 'S2S_CACHE_TTL_SECONDS',
    min: 0,
    max: 300,
    help: 'how long apps, secrets, certificates and users may be served from memory (0 = no cache)',
  },
  {
    key: 'revocationPollMs',
    kind: 'int',
    flag: '--revocation-poll-ms',
    arg: '<ms>',
    env: 'S2S_REVOCATION_POLL_MS',
    min: 50,
    max: 60_000,
    help: 'how often each process reads revocations of stateless JWTs made by the others (the bound when a notice is lost)',
  },
  {
    key: 'purgeIntervalSeconds',
    kind: 'int',
    flag: '--purge-interval',
    arg: '<s>',
    env: 'S2S_PURGE_INTERVAL_SECONDS',
    min: 0,
    max: 86_400,
    help: 'how often expired tokens, codes and replay records are deleted (0 = never)',
  },
  {
    key: 'auditFlushMs',
    kind: 'int',
    flag: '--audit-flush-ms',
    arg: '<ms>',
    env: 'S2S_AUDIT_FLUSH_MS',
    min: 0,
    max: 5_000,
    help: 'audit events are written in batches at most this long after the request (0 = in the request)',
  },
  {
    key: 'apiUsageFlushMs',
    kind: 'int',
    flag: '--api-usage-flush',
    arg: '<ms>',
    env: 'S2S_API_USAGE_FLUSH_MS',
    min: 0,
    max: 60_000,
    help: 'how often API calls counted in memory are written to the database, ms (0 = each call at once)',
  },
  {
    key: 'shutdownTimeoutSeconds',
    kind: 'int',
    flag: '--shutdown-timeout',
    arg: '<s>',
    env: 'S2S_SHUTDOWN_TIMEOUT_SECONDS',
    min: 0,
    max: 3600,
    help: 'on SIGTERM, how long in-flight requests may take before connections are cut',
  },
  {
    key: 'keyEncryptionKey',
    kind: 'string',
    env: 'S2S_KEY_ENCRYPTION_KEY',
    help: '32 bytes, base64: encrypts server private keys at rest (AES-256-GCM); several, comma-separated, to rotate it',
  },
  {
    key: 'keyRotationOverlapSeconds',
    kind: 'int',
    flag: '--key-overlap',
    arg: '<s>',
    env: 'S2S_KEY_OVERLAP_SECONDS',
    min: 0,
    max: 2_592_000,
    help: 'after `s2s keys rotate`, how long the new key is published before it signs',
  },
  {
    key: 'keyRetireAfterSeconds',
    kind: 'int',
    flag: '--key-retire-after',
    arg: '<s>',
    env: 'S2S_KEY_RETIRE_AFTER_SECONDS',
    min: 86_400,
    max: 31_536_000,
    help: 'how long a replaced key stays published after its successor starts signing',
  },
  {
    key: 'keyReloadSeconds',
    kind: 'int',
    flag: '--key-reload',
    arg: '<s>',
    env: 'S2S_KEY_RELOAD_SECONDS',
    min: 1,
    max: 3600,
    help: 'how often each process re-reads the signing keys (sees a rotation)',
  },
  {
    key: 'migrate',
    kind: 'bool',
    flag: '--no-migrate',
    negatable: true,
    env: 'S2S_MIGRATE',
    help: 'do not apply pending migrations at start; refuse to start while any are pending',
  },
];

/** How a setting is named in messages: the source it came from, or all of its names. */
export function settingNames(s: Setting): string {
  const flag = s.flag ? ` / ${s.flag}` : '';
  return `${s.key} (${s.env}${flag})`;
}
