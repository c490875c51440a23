/**
 * ReplayStore in Redis (S2S_REDIS_URL): single use decided by one atomic command, as the SQL
 * store decides it by one statement. The contract is the same (conformance suite), including
 * the caller's clock: a record blocks while its `expiresAt` is after the `now` it is asked
 * with, so the key holds its expiry as its value rather than relying on Redis's clock alone.
 *
 * - consume: a Lua script (atomic in Redis) — a live value means replay; otherwise
 *   `SET key expiresAt PX ttl` and the key is indexed by expiry in a sorted set.
 * - The key's own Redis TTL (`expiresAt − now` + a minute) is a backstop that frees memory even
 *   when nothing purges; it always outlives the logical expiry, so it never lets a replay in.
 * - purgeExpired: the index gives the keys expired before the cut-off, `limit` at a time.
 *
 * Every key of one server shares the hash tag `{…}`, so the script's keys sit in one slot.
 */
import type { Redis } from 'ioredis';
import type { ReplayStore } from '../interfaces.ts';
import { viaRedis } from './connect.ts';

const CONSUME = `
local v = redis.call('GET', KEYS[1])
if v and tonumber(v) > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[1], KEYS[1])
return 1`;

const PURGE = `
local before = tonumber(ARGV[1])
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, k in ipairs(keys) do
  redis.call('ZREM', KEYS[1], k)
  local v = redis.call('GET', k)
  if v and tonumber(v) < before then redis.call('DEL', k) end
end
return #keys`;

/** How long a key outlives its logical expiry in Redis (memory backstop only). */
const BACKSTOP_MS = 60_000;

interface ReplayCommands {
  s2sReplayConsume(key: string, index: string, expiresAt: number, now: number, ttl: number): Promise<number>;
  s2sReplayPurge(index: string, before: number, limit: number): Promise<number>;
}

export class RedisReplayStore implements ReplayStore {
  private readonly redis: Redis & ReplayCommands;
  private readonly index: string;
  private readonly prefix: string;

  /** `namespace` separates servers sharing one Redis (the server uses its org id). */
  constructor(redis: Redis, namespace: string) {
    redis.defineCommand('s2sReplayConsume', { numberOfKeys: 2, lua: CONSUME });
    redis.defineCommand('s2sReplayPurge', { numberOfKeys: 1, lua: PURGE });
    this.redis = redis as Redis & ReplayCommands;
    this.index = `s2s:{${namespace}}:replay-index`;
    this.prefix = `s2s:{${namespace}}:replay:`;
  }

  async consume(key: string, expiresAt: number, now: number): Promise<boolean> {
    const ttl = Math.max(expiresAt - now, 0) + BACKSTOP_MS;
    const r = await viaRedis(() =>
      this.redis.s2sReplayConsume(this.prefix + key, this.index, expiresAt, now, ttl),
    );
    return r === 1;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    return viaRedis(() => this.redis.s2sReplayPurge(this.index, before, limit));
  }
}
