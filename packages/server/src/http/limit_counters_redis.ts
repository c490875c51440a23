/**
 * The counters of limit_counters.ts in Redis (S2S_REDIS_URL), so every instance counts into
 * the same windows and back-offs. Each update is one Lua script (atomic in Redis); keys carry
 * their own expiry, so nothing needs purging.
 *
 * Limits fail open: when Redis cannot be reached a check answers "go ahead" (the request is
 * still authenticated and audited as always), and the failure is counted in the metrics as
 * a store error. Refusing every token request because the limiter is away would turn a
 * Redis outage into a full outage.
 */
import type { Redis } from 'ioredis';
import { BACKOFF, type Backoff, type Windows } from './limit_counters.ts';

const COUNT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

const FAIL = `
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local limit = tonumber(ARGV[2])
if n >= limit then
  local ms = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ math.min(n - limit, 30))
  redis.call('SET', KEYS[2], '1', 'PX', math.floor(ms))
end
return n`;

/** Called when Redis could not answer (the check then lets the request through). */
export type OnRedisError = (err: unknown) => void;

async function open<T>(call: () => Promise<T>, fallback: T, onError: OnRedisError): Promise<T> {
  try {
    return await call();
  } catch (err) {
    onError(err);
    return fallback;
  }
}

export class RedisWindows implements Windows {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly max: number,
    private readonly windowMs: number,
    private readonly onError: OnRedisError,
  ) {}

  async waitMs(key: string): Promise<number> {
    const k = `${this.prefix}:win:${key}`;
    return open(
      async () => {
        const r = await this.redis.multi().get(k).pttl(k).exec();
        const count = Number(r?.[0]?.[1] ?? 0);
        const ttl = Number(r?.[1]?.[1] ?? -2);
        return count >= this.max && ttl > 0 ? ttl : 0;
      },
      0,
      this.onError,
    );
  }

  async count(key: string): Promise<void> {
    await open(() => this.redis.eval(COUNT, 1, `${this.prefix}:win:${key}`, this.windowMs), 0, this.onError);
  }
}

export class RedisBackoff implements Backoff {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly onError: OnRedisError,
  ) {}

  async waitMs(key: string): Promise<number> {
    return open(
      async () => Math.max(0, await this.redis.pttl(`${this.prefix}:lock:${key}`)),
      0,
      this.onError,
    );
  }

  async fail(key: string): Promise<void> {
    const keys = [`${this.prefix}:fail:${key}`, `${this.prefix}:lock:${key}`];
    await open(
      () => this.redis.eval(FAIL, 2, ...keys, BACKOFF.forgetMs, this.limit, BACKOFF.baseMs, BACKOFF.maxMs),
      0,
      this.onError,
    );
  }

  async clear(key: string): Promise<void> {
    await open(
      () => this.redis.del(`${this.prefix}:fail:${key}`, `${this.prefix}:lock:${key}`),
      0,
      this.onError,
    );
  }
}
