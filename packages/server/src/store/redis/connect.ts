/**
 * The optional Redis connection (S2S_REDIS_URL). It fails fast instead of queueing: a command
 * while Redis is away is an error at once (no offline queue, one retry, a command timeout), and
 * that error is marked so the HTTP layer answers 503 temporarily_unavailable, as it does when
 * the database is away (http/unavailable.ts). ioredis reconnects by itself in the background.
 */
import { Redis } from 'ioredis';

/** The `code` of an error that means "Redis cannot be reached now" (http/unavailable.ts). */
export const REDIS_UNAVAILABLE = 'S2S_REDIS_UNAVAILABLE';

export class RedisUnavailableError extends Error {
  readonly code = REDIS_UNAVAILABLE;
  constructor(cause: unknown) {
    super(`redis unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

export interface RedisOptions {
  /** Per-command limit, ms (default 2000): a black-holed connection must not hold requests. */
  commandTimeoutMs?: number;
  /** How long the first connection may take before start fails, ms (default 5000). */
  connectTimeoutMs?: number;
}

/** Connects and waits until Redis answers; throws a message naming S2S_REDIS_URL otherwise. */
export async function connectRedis(url: string, opts: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? 2000,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    // Back off to one attempt a second; never give up (the server recovers when Redis returns).
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  // Without a listener ioredis prints every reconnection error; the failing commands say enough.
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`S2S_REDIS_URL: cannot use ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return redis;
}

/**
 * Runs a Redis call. A failure to reach Redis (closed connection, timeout, refused) becomes a
 * RedisUnavailableError (a 503, never a 500); an error Redis itself answered (ReplyError: a bug
 * in a script, a wrong type) is passed on as it is.
 */
export async function viaRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if ((err as Error)?.name === 'ReplyError') throw err;
    throw new RedisUnavailableError(err);
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}
