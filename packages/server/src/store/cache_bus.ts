/**
 * Tells the other processes that cached rows changed (cache.ts), so their caches clear within
 * milliseconds instead of at the TTL:
 * - PostgreSQL: `NOTIFY s2s_cache` after the write has committed, `LISTEN s2s_cache` on a
 *   connection of its own; reaches every process on the database, on any host. While that
 *   connection is down nothing is heard, so on reconnecting the cache is cleared (whatever was
 *   missed), and until then the TTL bounds what is served.
 * - node:cluster workers (`s2s serve --workers N`, SQLite too): a message to the primary,
 *   which passes it to the other workers (cluster.ts).
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

export interface CacheBus {
  /** Announces a change made by this process. */
  publish(): void;
  close(): Promise<void>;
}

interface Log {
  warn(obj: object, msg: string): void;
}

/** LISTEN/NOTIFY on the database; `onChange` runs for other processes' changes and after a reconnect. */
export function pgCacheBus(url: string, onChange: () => void, log?: Log): CacheBus {
  const self = randomUUID();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, application_name: CACHE_LISTENER_NAME });
    c.on('notification', (n) => {
      if (n.channel === CACHE_CHANNEL && n.payload !== self) onChange();
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
    onChange();
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
    publish() {
      client?.query('SELECT pg_notify($1, $2)', [CACHE_CHANNEL, self]).catch(() => {});
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}

/** Between the workers of one `s2s serve --workers N` (no-op outside a cluster worker). */
export function clusterCacheBus(onChange: () => void): CacheBus {
  if (!cluster.isWorker) return { publish() {}, close: async () => {} };
  const onMessage = (m: unknown) => {
    if ((m as { type?: unknown })?.type === CLUSTER_CACHE_MESSAGE) onChange();
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
    publish: () => {
      for (const b of buses) b.publish();
    },
    close: async () => {
      await Promise.all(buses.map((b) => b.close()));
    },
  };
}

/**
 * The store with its read cache (cache.ts) and the buses that clear it everywhere: node:cluster
 * messages always (a no-op outside a worker), PostgreSQL NOTIFY when the store is PostgreSQL.
 * Closing the store closes the listener too. `ttlMs` 0: the store unchanged.
 */
export function withSharedCache(
  store: Store,
  opts: { ttlMs: number; databaseUrl: string; log?: Log },
): Store {
  const cache = new ReadCache({ ttlMs: opts.ttlMs });
  if (!cache.enabled) return store;
  const clear = () => cache.clear();
  const buses = [clusterCacheBus(clear)];
  if (store.dialect === 'postgres') buses.push(pgCacheBus(opts.databaseUrl, clear, opts.log));
  const bus = combineBuses(buses);
  const cached = withReadCache(store, cache, () => bus.publish());
  return {
    ...cached,
    async close() {
      await bus.close();
      await store.close();
    },
  };
}
