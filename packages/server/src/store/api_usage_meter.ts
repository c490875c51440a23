/**
 * The daily API call counts kept in memory and written in batches (issue #8). Counting every
 * protected-API call with its own `INSERT … ON CONFLICT DO UPDATE … RETURNING` was one of the
 * two database round trips of each call (docs/performance.md); here, per (app, UTC day):
 *
 * - the first call in this process is written as before (ApiUsageStore.increment), which also
 *   tells the database total; calls made meanwhile wait for it;
 * - later calls are counted in memory, synchronously: the count a call gets is the database
 *   total as of the last write plus this process's calls since, so within one process the
 *   daily limit is exact, concurrency included;
 * - every `flushMs` the pending calls of all apps are written in ONE statement
 *   (ApiUsageStore.incrementMany), which returns the new totals: calls counted by other
 *   processes are learned there;
 * - close() writes what is pending (a graceful shutdown loses nothing); a failed write keeps
 *   the counts and the next tick retries;
 * - an (app, day) without calls for a whole interval is forgotten: memory follows the active
 *   apps, and its next call reads the total again.
 *
 * Across processes a call may pass the limit by at most what the other processes counted and
 * had not written when this one last wrote, plus what they counted since (docs/resource-server.md).
 */
import type { ApiUsageIncrement, ApiUsageStore, ApiUsageTotal, Store } from './interfaces.ts';
import { INCREMENT_MANY_MAX } from './sql/records.ts';

export interface ApiUsageMeterOptions {
  /** How often pending calls are written, ms (> 0). */
  flushMs: number;
  /** Told when a write fails (the calls stay pending and are retried) or is lost at close. */
  onFlushError?: (err: unknown, pendingCalls: number, final: boolean) => void;
}

interface Entry {
  appId: string;
  day: string;
  /** The database total as of this process's last write. */
  stored: number;
  /** Calls in the write in progress. */
  writing: number;
  /** Calls counted here and not written yet. */
  pending: number;
  /** A call came since the previous tick. */
  used: boolean;
  /** Until the first call's own write returns the database total. */
  loading?: Promise<number>;
}

const keyOf = (appId: string, day: string) => `${appId}\u0000${day}`;
const total = (e: Entry) => e.stored + e.writing + e.pending;

export class ApiUsageMeter implements ApiUsageStore {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly store: ApiUsageStore,
    private readonly opts: ApiUsageMeterOptions,
  ) {
    if (!(opts.flushMs > 0)) throw new Error('ApiUsageMeter: flushMs must be positive');
  }

  increment(appId: string, day: string): Promise<number> {
    if (this.closed) return this.store.increment(appId, day);
    const key = keyOf(appId, day);
    const e = this.entries.get(key);
    if (e && !e.loading) return Promise.resolve(this.count1(e));
    if (e?.loading) return e.loading.then(() => this.count1(e));
    const fresh: Entry = { appId, day, stored: 0, writing: 0, pending: 0, used: true };
    fresh.loading = this.store.increment(appId, day).then(
      (n) => {
        fresh.stored = n;
        fresh.loading = undefined;
        this.schedule();
        return n;
      },
      (err) => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
        throw err;
      },
    );
    this.entries.set(key, fresh);
    return fresh.loading;
  }

  /** The day's count: this process's pending calls are written first, then the total is read. */
  async count(appId: string, day: string): Promise<number> {
    await this.entries.get(keyOf(appId, day))?.loading?.catch(() => {});
    await this.flush();
    return this.store.count(appId, day);
  }

  incrementMany(items: readonly ApiUsageIncrement[]): Promise<ApiUsageTotal[]> {
    return this.store.incrementMany(items);
  }

  /** Writes what is pending, then deletes the days before `day`, here and in the database. */
  async purgeBefore(day: string): Promise<number> {
    await this.flush();
    for (const [key, e] of this.entries) if (e.day < day && !e.loading) this.entries.delete(key);
    return this.store.purgeBefore(day);
  }

  /** Calls counted in this process and not written yet. */
  get pendingCalls(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.writing + e.pending;
    return n;
  }

  /**
   * Writes the pending calls now (one statement per 1 000 apps and days); rejects when a write
   * fails, keeping its calls pending. One write at a time: a second caller waits for the first.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => {});
    const run = this.write();
    this.flushing = run;
    try {
      await run;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Stops the timer and writes what is pending, once; after it, calls are written one by one. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.entries.values()].map((e) => e.loading));
    try {
      await this.flush();
    } catch (err) {
      this.opts.onFlushError?.(err, this.pendingCalls, true);
    }
  }

  private count1(e: Entry): number {
    e.pending++;
    e.used = true;
    this.schedule();
    return total(e);
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush()
        .catch((err) => this.opts.onFlushError?.(err, this.pendingCalls, false))
        .finally(() => {
          // Keep ticking while anything is remembered: pending calls to retry, or entries
          // to forget once idle.
          if (this.entries.size > 0) this.schedule();
        });
    }, this.opts.flushMs);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const batch: Entry[] = [];
    for (const [key, e] of this.entries) {
      if (e.loading) continue;
      if (e.pending > 0) {
        e.writing = e.pending;
        e.pending = 0;
        batch.push(e);
      } else if (!e.used) {
        this.entries.delete(key);
      }
      e.used = false;
    }
    for (let i = 0; i < batch.length; i += INCREMENT_MANY_MAX) {
      await this.writeChunk(batch.slice(i, i + INCREMENT_MANY_MAX), batch.slice(i + INCREMENT_MANY_MAX));
    }
  }

  private async writeChunk(chunk: Entry[], later: Entry[]): Promise<void> {
    let totals: ApiUsageTotal[];
    try {
      totals = await this.store.incrementMany(
        chunk.map((e) => ({ appId: e.appId, day: e.day, n: e.writing })),
      );
    } catch (err) {
      for (const e of [...chunk, ...later]) {
        e.pending += e.writing;
        e.writing = 0;
      }
      throw err;
    }
    const byKey = new Map(totals.map((t) => [keyOf(t.appId, t.day), t.count]));
    for (const e of chunk) {
      const key = keyOf(e.appId, e.day);
      const t = byKey.get(key);
      if (t === undefined) {
        // The app was deleted: its counts went with it.
        if (this.entries.get(key) === e) this.entries.delete(key);
        continue;
      }
      // The total includes this write and every other process's written calls.
      e.stored = Math.max(e.stored + e.writing, t);
      e.writing = 0;
    }
  }
}

/**
 * The store with its API usage counted by an ApiUsageMeter (`flushMs` > 0), closing which
 * writes the pending calls before the database closes. `flushMs` 0: the store unchanged, every
 * call written as it comes.
 */
export function withApiUsageMeter(store: Store, opts: ApiUsageMeterOptions): Store {
  if (opts.flushMs === 0) return store;
  const meter = new ApiUsageMeter(store.apiUsage, opts);
  return {
    ...store,
    apiUsage: meter,
    async close() {
      await meter.close();
      await store.close();
    },
  };
}
