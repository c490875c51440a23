/**
 * Redis beside the database (S2S_REDIS_URL): the replay store moves to Redis, everything else
 * stays in the database. Without it, the database does the job (one INSERT … ON CONFLICT).
 */
import type { Redis } from 'ioredis';
import type { Store } from '../interfaces.ts';
import { connectRedis, viaRedis } from './connect.ts';
import { RedisReplayStore } from './replay.ts';

export { connectRedis, REDIS_UNAVAILABLE, RedisUnavailableError } from './connect.ts';
export { RedisReplayStore } from './replay.ts';

export interface StoreWithRedis {
  store: Store;
  redis: Redis;
}

/**
 * Connects to Redis and returns the store with its replay records there. `namespace` keeps
 * servers of different databases apart in one Redis (the server passes its org id). Closing
 * the returned store closes the Redis connection too.
 */
export async function withRedis(store: Store, url: string, namespace: string): Promise<StoreWithRedis> {
  const redis = await connectRedis(url);
  const replay = new RedisReplayStore(redis, namespace);
  const wrapped: Store = {
    ...store,
    replay,
    /** Ready only when both answer (GET /readyz). */
    async ping() {
      await store.ping();
      await viaRedis(() => redis.ping());
    },
    async close() {
      try {
        await store.close();
      } finally {
        redis.disconnect();
      }
    },
  };
  return { store: wrapped, redis };
}
