/**
 * Tells the other processes that cached rows changed (cache.ts), so their caches clear within
 * milliseconds instead of at the TTL:
 * - PostgreSQL: `NOTIFY s2s_cache` after the write has committed, `LISTEN s2s_cache` on a
 *   connection of its own; reaches every process on the database, on any host. While that
 *   connection is down nothing is heard, so on reconnecting the cache is cleared (whatever was
 *   missed), and until then the TTL bounds what is served.
 * - node:cluster workers (`s2s serve --workers N`, SQLite too): a message to the primary,
 *   which passes it to the other workers (cluster.ts).
 * The bus also tells them that a stateless JWT was revoked (topic `revocations`,
 * oauth/tokens/revocations.ts): they then read the new revocations at once. On PostgreSQL the
 * topic travels in the payload and leaves caches alone; the primary relays worker messages
 * without one, so a worker hearing one both clears its cache and reads revocations.
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ReadCache, withReadCache } from './cache.ts';
import type { Store } from './interfaces.ts';

export const CACHE_CHANNEL = 's2s_cache';
/** How the listener's connection shows in pg_stat_activity. */
export const CACHE_LISTENER_NAME = 's2s cache invalidation';
/** The message a worker sends and receives (cluster.ts relays it). */
export const CLUSTER_CACHE_MESSAGE = 's2s:cache-clear';

/** What changed: cached rows, or revocations; `all` when it cannot be told (a reconnect). */
export type BusTopic = 'cache' | 'revocations';

export interface CacheBus {
  /** Announces a change made by this process (cached rows unless told otherwise). */
  publish(topic?: BusTopic): void;
  close(): Promise<void>;
}

interface Log {
  warn(obj: object, msg: string): void;
}

/** LISTEN/NOTIFY on the database; `onChange` runs for other processes' changes and after a reconnect. */
export function pgCacheBus(url: string, onChange: (topic: BusTopic | 'all') => void, log?: Log): CacheBus {
  const self = randomUUID();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, application_name: CACHE_LISTENER_NAME });
    c.on('notification', (n) => {
      if (n.channel !== CACHE_CHANNEL || !n.payload) return;
      // `<sender>` (cached rows) or `<sender> revocations`.
      const [from, topic] = n.payload.split(' ');
      if (from !== self) onChange(topic === 'revocations' ? 'revocations' : 'cache');
    });
    c.on('error', () => {});
    c.on('end', () => {
      if (client === c) client = undefined;
      if (!closed) schedule();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CACHE_CHANNEL}`);
    } catch (err) {
      if (failures++ === 0) log?.warn({ err }, 'cache invalidation listener down; reconnecting');
      await c.end().catch(() => {});
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    failures = 0;
    // Changes made while nobody listened were not heard.
    onChange('all');
  };

  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(
      () => {
        retry = undefined;
        void connect().then(() => {
          if (!client) schedule();
        });
      },
      Math.min(200 * 2 ** failures, 5000),
    );
    retry.unref();
  };

  void connect().then(() => {
    if (!client) schedule();
  });

  return {
    publish(topic: BusTopic = 'cache') {
      const payload = topic === 'cache' ? self : `${self} ${topic}`;
      client?.query('SELECT pg_notify($1, $2)', [CACHE_CHANNEL, payload]).catch(() => {});
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}

/** Between the workers of one `s2s serve --workers N` (no-op outside a cluster worker). */
export function clusterCacheBus(onChange: (topic: BusTopic | 'all') => void): CacheBus {
  if (!cluster.isWorker) return { publish() {}, close: async () => {} };
  const onMessage = (m: unknown) => {
    if ((m as { type?: unknown })?.type === CLUSTER_CACHE_MESSAGE) onChange('all');
  };
  process.on('message', onMessage);
  return {
    publish() {
      process.send?.({ type: CLUSTER_CACHE_MESSAGE });
    },
    async close() {
      process.off('message', onMessage);
    },
  };
}

export function combineBuses(buses: CacheBus[]): CacheBus {
  return {
    publish: (topic?: BusTopic) => {
      for (const b of buses) b.publish(topic);
    },
    close: async () => {
      await Promise.all(buses.map((b) => b.close()));
    },
  };
}

/**
 * The store with its read cache (cache.ts) and the buses that clear it everywhere: node:cluster
 * messages always (a no-op outside a worker), PostgreSQL NOTIFY when the store is PostgreSQL.
 * Closing the store closes the listener too. `ttlMs` 0: no cache. With `onRevocations`, a
 * revocation written through the returned store is announced (topic `revocations`), and
 * `onRevocations` runs when another process announces one (or may have: a reconnect).
 */
export function withSharedCache(
  store: Store,
  opts: { ttlMs: number; databaseUrl: string; log?: Log; onRevocations?: () => void },
): Store {
  const cache = new ReadCache({ ttlMs: opts.ttlMs });
  const onRevocations = opts.onRevocations;
  if (!cache.enabled && !onRevocations) return store;
  const heard = (topic: BusTopic | 'all') => {
    if (topic !== 'revocations') cache.clear();
    if (topic !== 'cache') onRevocations?.();
  };
  const buses = [clusterCacheBus(heard)];
  if (store.dialect === 'postgres') buses.push(pgCacheBus(opts.databaseUrl, heard, opts.log));
  const bus = combineBuses(buses);
  const cached = withReadCache(store, cache, () => bus.publish());
  const revocations = store.revocations;
  return {
    ...cached,
    revocations: onRevocations
      ? {
          listSince: (after, now) => revocations.listSince(after, now),
          purgeExpired: (before, limit) => revocations.purgeExpired(before, limit),
          async insert(r) {
            const seq = await revocations.insert(r);
            bus.publish('revocations');
            return seq;
          },
        }
      : revocations,
    async close() {
      await bus.close();
      await store.close();
    },
  };
}
