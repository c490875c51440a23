/**
 * Audit events written behind the token endpoint (issue #8): `record()` buffers the event and
 * returns at once; the buffer goes to the database as multi-row INSERTs (`recordMany`) when it
 * holds `batchSize` events or `flushMs` after the first one, before every read of the audit
 * in this process (`list`, `summarize`), and on close. The synchronous INSERT cost ~30–35 µs
 * of a ~300 µs token request (docs/performance.md); a batch costs a fraction of that per event.
 *
 * The price: a process killed without its graceful close (kill -9, power loss) loses at most
 * the events of one flush window (docs/operations.md, audit durability).
 *
 * A failed flush keeps its events (at most `maxBuffered`; beyond that the oldest are dropped,
 * failed grant attempts first, counted and logged) and is retried with backoff. While the last
 * flush failed, or the buffer is full, `healthy` is false and the token endpoint issues nothing
 * ("never a token that was not recorded", oauth/token_endpoint.ts). An event the database
 * refuses on its own (a row error: a NUL byte in a name on PostgreSQL) is dropped alone, so one
 * bad row cannot hold back the others or stop issuance.
 */
import type { AuditEvent } from '../domain/types.ts';
import type { AuditBucketCount, AuditFilter, AuditStore, AuditSummaryFilter, Store } from './interfaces.ts';

export interface AuditSinkCounters {
  /** Events written. */
  flushed(n: number): void;
  /** Batches written (one `recordMany`). */
  batch(): void;
  /** Flushes that failed (their events kept for a retry). */
  failure(): void;
  /** Events lost: the buffer overflowed, the database refused the row, or close could not write. */
  dropped(n: number): void;
}

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WriteBehindOptions {
  /** Delay from the first buffered event to its flush, ms (> 0). */
  flushMs: number;
  /** Flush at once when this many are buffered; also the largest `recordMany` (default 256). */
  batchSize?: number;
  /** Events kept while flushes fail (default 10 000). */
  maxBuffered?: number;
  /** First retry delay after a failed flush, doubled up to `retryMaxMs` (defaults 100, 2 000). */
  retryMinMs?: number;
  retryMaxMs?: number;
  log?: Log;
  counters?: AuditSinkCounters;
}

// SQLSTATE class 22 (data exception: invalid byte sequence, value too long …) and 23 (integrity
// constraint); SQLite's constraint, type and size errors. Anything else (connection lost, table
// missing, disk full, read-only) concerns every row: the events are kept and retried.
const ROW_ERROR = /^(2[23]|SQLITE_(CONSTRAINT|MISMATCH|TOOBIG))/;

function isRowError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ROW_ERROR.test(code);
}

export class WriteBehindAuditStore implements AuditStore {
  private buffer: AuditEvent[] = [];
  /** Events taken by the flush in progress (still counted against `maxBuffered`). */
  private inFlight = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  /** Lost events not yet in a log line, and when the last loss was logged (at most every 10 s). */
  private lostUnlogged = 0;
  private lastLossLog = Number.NEGATIVE_INFINITY;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly inner: AuditStore,
    private readonly opts: WriteBehindOptions,
  ) {
    this.batchSize = opts.batchSize ?? 256;
    this.maxBuffered = opts.maxBuffered ?? 10_000;
    this.retryMinMs = opts.retryMinMs ?? 100;
    this.retryMaxMs = opts.retryMaxMs ?? 2_000;
  }

  /** False while the last flush failed or the buffer is full: issue nothing (token_endpoint.ts). */
  get healthy(): boolean {
    return this.failures === 0 && this.size < this.maxBuffered;
  }

  /** Events recorded and not yet written. */
  get size(): number {
    return this.buffer.length + this.inFlight;
  }

  async record(e: AuditEvent): Promise<void> {
    // After close nothing would flush again: write through (and fail as the closed store does).
    if (this.closed) return this.inner.record(e);
    if (this.size >= this.maxBuffered) this.#dropOne();
    this.buffer.push(e);
    if (this.failures > 0) return; // the retry timer is set
    if (this.buffer.length >= this.batchSize) this.#kick();
    else this.#schedule(this.opts.flushMs);
  }

  async recordMany(events: AuditEvent[]): Promise<void> {
    for (const e of events) await this.record(e);
  }

  /** Reads see every event recorded before them in this process: flush first. */
  async list(filter: AuditFilter): Promise<AuditEvent[]> {
    await this.flush();
    return this.inner.list(filter);
  }

  async summarize(filter: AuditSummaryFilter): Promise<AuditBucketCount[]> {
    await this.flush();
    return this.inner.summarize(filter);
  }

  /** Writes everything buffered now; rejects when a write fails (the events stay buffered). */
  flush(): Promise<void> {
    this.running ??= this.#drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Flushes what is left (graceful shutdown); what cannot be written is counted and logged. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.flush();
    } catch (err) {
      const n = this.size;
      this.buffer = [];
      this.#lost(n, 'the buffer could not be written at shutdown', { err }, true);
    }
    if (this.lostUnlogged > 0) this.#lost(0, 'while the database could not be written', {}, true);
  }

  // Internals are #private: the store's instrumentation times every method it can see
  // (metrics/instrument_store.ts), and these are not store operations.
  #schedule(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.#kick();
    }, ms);
    // A pending flush must not keep the process alive; close() flushes what is left.
    this.timer.unref();
  }

  /** A flush nobody awaits: a failure is handled (kept, retried) in drain(). */
  #kick(): void {
    this.flush().catch(() => {});
  }

  async #drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchSize);
      this.inFlight = batch.length;
      try {
        await this.#write(batch);
      } catch (err) {
        // Keep the unwritten events, in order, ahead of those recorded meanwhile.
        this.buffer = batch.slice((err as { settled?: number }).settled ?? 0).concat(this.buffer);
        this.inFlight = 0;
        while (this.buffer.length > this.maxBuffered) this.#dropOne();
        this.#failed(err);
        throw err;
      }
      this.inFlight = 0;
      if (this.failures > 0) {
        this.opts.log?.warn({ failures: this.failures }, 'audit events written again after failures');
        this.failures = 0;
        if (this.lostUnlogged > 0) this.#lost(0, 'while the database could not be written', {}, true);
      }
    }
  }

  /**
   * Writes one batch. A failure leaves the whole batch unwritten, except in the one-by-one
   * fallback, which sets `settled` on the error: the events before it were written or dropped.
   */
  async #write(batch: AuditEvent[]): Promise<void> {
    const c = this.opts.counters;
    try {
      await this.inner.recordMany(batch);
      c?.batch();
      c?.flushed(batch.length);
      return;
    } catch (err) {
      if (!isRowError(err)) throw err;
    }
    // A row refused: write them one by one and drop only those the database refuses alone.
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i]!;
      try {
        await this.inner.recordMany([e]);
        c?.batch();
        c?.flushed(1);
      } catch (err) {
        if (!isRowError(err)) throw Object.assign(err as object, { settled: i });
        this.#lost(1, 'the database refused the row', { err, event: e });
      }
    }
  }

  #failed(err: unknown): void {
    this.failures++;
    this.opts.counters?.failure();
    if (this.failures === 1) {
      this.opts.log?.error(
        { err, buffered: this.size },
        'audit events cannot be written; token issuance paused',
      );
    }
    this.#schedule(Math.min(this.retryMinMs * 2 ** (this.failures - 1), this.retryMaxMs));
  }

  /** Makes room for one event: the oldest failed grant attempt goes first, else the oldest event. */
  #dropOne(): void {
    const i = this.buffer.findIndex((e) => e.event === 'token' && e.result === 'failure');
    const [gone] = this.buffer.splice(Math.max(i, 0), 1);
    if (gone) {
      this.#lost(1, 'the buffer is full while the database cannot be written', {
        event: gone,
        maxBuffered: this.maxBuffered,
      });
    }
  }

  /**
   * Counts lost events and says so loudly — at once for the first, then at most every 10 s with
   * the number lost meanwhile (a long outage must not turn into a line per request).
   */
  #lost(n: number, reason: string, detail: object, now = false): void {
    if (n > 0) this.opts.counters?.dropped(n);
    this.lostUnlogged += n;
    const t = Date.now();
    if (!now && t - this.lastLossLog < 10_000) return;
    this.lastLossLog = t;
    this.opts.log?.error({ ...detail, lost: this.lostUnlogged }, `AUDIT EVENTS LOST: ${reason}`);
    this.lostUnlogged = 0;
  }
}

/**
 * The store with its audit written behind (`flushMs` > 0); closing it flushes the buffer
 * before the database closes. `flushMs` 0: the store unchanged (every event written in the request).
 */
export function withAuditWriteBehind(store: Store, opts: WriteBehindOptions): Store {
  if (opts.flushMs <= 0) return store;
  const audit = new WriteBehindAuditStore(store.audit, opts);
  return {
    ...store,
    audit,
    async close() {
      await audit.close();
      await store.close();
    },
  };
}
