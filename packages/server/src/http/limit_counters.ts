/**
 * The counters behind the limits of rate_limit.ts, in this process (bounded maps: the oldest
 * entry goes first, so a flood of distinct keys costs memory up to the bound and no more).
 * limit_counters_redis.ts keeps the same counters in Redis, shared by every instance.
 */

/** Fixed windows: check before, count after (see WindowCounter). */
export interface Windows {
  /** Milliseconds until the key may send again; 0 when it may now. */
  waitMs(key: string, now: number): Promise<number>;
  count(key: string, now: number): Promise<void>;
}

/** Failures with exponential back-off (see FailureBackoff). */
export interface Backoff {
  waitMs(key: string, now: number): Promise<number>;
  fail(key: string, now: number): Promise<void>;
  clear(key: string): Promise<void>;
}

/** Back-off after `limit` failures: 1 s, 2 s, 4 s … at most 15 min; forgotten 15 min after the last. */
export const BACKOFF = { baseMs: 1_000, maxMs: 15 * 60_000, forgetMs: 15 * 60_000 };

export function backoffMs(failures: number, limit: number): number {
  return failures < limit ? 0 : Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** Math.min(failures - limit, 30));
}

/** Drops the oldest entries of an insertion-ordered map beyond `cap`. */
function trim<K, V>(m: Map<K, V>, cap: number): void {
  while (m.size > cap) {
    const first = m.keys().next();
    if (first.done) return;
    m.delete(first.value);
  }
}

/**
 * Fixed windows per key with "check before, count after": a request is refused when the
 * key's window is full; only what the caller decides to count (answered token requests)
 * fills it. Keys that cannot be counted without proof (a client id someone merely claims)
 * therefore cannot be filled by anyone else.
 */
export class WindowCounter implements Windows {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly cap = 10_000,
  ) {}

  async waitMs(key: string, now: number): Promise<number> {
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs || w.count < this.max) return 0;
    return w.start + this.windowMs - now;
  }

  async count(key: string, now: number): Promise<void> {
    const w = this.windows.get(key);
    if (w && now - w.start < this.windowMs) {
      w.count++;
      return;
    }
    this.windows.delete(key);
    this.windows.set(key, { start: now, count: 1 });
    trim(this.windows, this.cap);
  }
}

/**
 * Failed authentications per key with exponential back-off: after `limit` failures the key
 * waits 1 s, then 2 s, 4 s … (at most 15 min) before each further attempt is even looked at.
 * Failures are forgotten 15 minutes after the last one, or when the key succeeds.
 */
export class FailureBackoff implements Backoff {
  private readonly entries = new Map<string, { failures: number; last: number; lockedUntil: number }>();

  constructor(
    private readonly limit: number,
    private readonly cap = 10_000,
  ) {}

  async waitMs(key: string, now: number): Promise<number> {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (now - e.last >= BACKOFF.forgetMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, e.lockedUntil - now);
  }

  async fail(key: string, now: number): Promise<void> {
    let e = this.entries.get(key);
    if (!e || now - e.last >= BACKOFF.forgetMs) e = { failures: 0, last: now, lockedUntil: 0 };
    this.entries.delete(key);
    e.failures++;
    e.last = now;
    const wait = backoffMs(e.failures, this.limit);
    if (wait > 0) e.lockedUntil = now + wait;
    this.entries.set(key, e);
    trim(this.entries, this.cap);
  }

  async clear(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
