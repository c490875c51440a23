/**
 * A token store in Redis, shared by every process (and host) of a service. The
 * lock is `SET <key>:lock <owner> NX PX <ttl>`; the save is a script that writes
 * only while the lock is still this owner's, so a holder that outlived its lock
 * cannot overwrite a newer state; release deletes the lock only if it is ours.
 * Durability of a saved refresh token is Redis's (use AOF with fsync for it).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { TokenStoreError } from '../errors.ts';
import type { TokenState, TokenStore, UpdateResult } from './types.ts';

export interface RedisTokenStoreOptions {
  /** A connection (left open by `close`) or a URL (`redis://…`, opened and closed by the store). */
  redis: Redis | string;
  /** Key prefix (default `s2s:token:`). */
  prefix?: string;
  /** Lock lifetime: longer than a token request can take (default 60000 ms). */
  lockTtlMs?: number;
  /** How long to wait for the lock before failing (default 60000 ms). */
  lockWaitMs?: number;
}

const SAVE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('set', KEYS[2], ARGV[2])
  return 1
end
return 0`;

const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class RedisTokenStore implements TokenStore {
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly lockTtlMs: number;
  private readonly lockWaitMs: number;

  constructor(opts: RedisTokenStoreOptions) {
    this.owned = typeof opts.redis === 'string';
    this.redis = typeof opts.redis === 'string' ? new Redis(opts.redis, { lazyConnect: false }) : opts.redis;
    this.prefix = opts.prefix ?? 's2s:token:';
    this.lockTtlMs = opts.lockTtlMs ?? 60_000;
    this.lockWaitMs = opts.lockWaitMs ?? 60_000;
  }

  private keys(key: string) {
    return { state: `${this.prefix}${key}`, lock: `${this.prefix}${key}:lock` };
  }

  async read(key: string): Promise<TokenState | undefined> {
    let raw: string | null;
    try {
      raw = await this.redis.get(this.keys(key).state);
    } catch (err) {
      throw new TokenStoreError(key, `cannot read from Redis: ${(err as Error).message}`, { cause: err });
    }
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as TokenState;
    } catch (err) {
      throw new TokenStoreError(key, 'the Redis value is not a token state', { cause: err });
    }
  }

  async update<T>(key: string, fn: (state: TokenState | undefined) => Promise<UpdateResult<T>>): Promise<T> {
    const k = this.keys(key);
    const owner = randomUUID();
    await this.lock(key, k.lock, owner);
    try {
      const { save, result } = await fn(await this.read(key));
      if (save !== undefined) {
        const ok = await this.redis.eval(SAVE_IF_OWNER, 2, k.lock, k.state, owner, JSON.stringify(save));
        if (ok !== 1) {
          throw new TokenStoreError(
            key,
            `the Redis lock expired (after ${this.lockTtlMs} ms) before the save`,
          );
        }
      }
      return result;
    } finally {
      await this.redis.eval(RELEASE_IF_OWNER, 1, k.lock, owner).catch(() => undefined);
    }
  }

  async remove(key: string): Promise<void> {
    const k = this.keys(key);
    const owner = randomUUID();
    await this.lock(key, k.lock, owner);
    try {
      await this.redis.del(k.state);
    } finally {
      await this.redis.eval(RELEASE_IF_OWNER, 1, k.lock, owner).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.owned) await this.redis.quit();
  }

  private async lock(key: string, lockKey: string, owner: string): Promise<void> {
    const deadline = Date.now() + this.lockWaitMs;
    let delay = 5;
    for (;;) {
      let got: string | null;
      try {
        got = await this.redis.set(lockKey, owner, 'PX', this.lockTtlMs, 'NX');
      } catch (err) {
        throw new TokenStoreError(key, `cannot lock in Redis: ${(err as Error).message}`, { cause: err });
      }
      if (got === 'OK') return;
      if (Date.now() >= deadline) {
        throw new TokenStoreError(key, `the Redis lock stayed taken for ${this.lockWaitMs} ms`);
      }
      await sleep(delay + Math.floor(Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
}

export function redisTokenStore(opts: RedisTokenStoreOptions): RedisTokenStore {
  return new RedisTokenStore(opts);
}
