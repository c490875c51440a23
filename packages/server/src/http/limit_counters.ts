/**
 * In-process counters behind the limits of rate_limit.ts. Both are bounded maps (the oldest
 * entry goes first), so a flood of distinct keys costs memory up to the bound and no more.
 */

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
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly cap = 10_000,
  ) {}

  /** Milliseconds until the key may send again; 0 when it may now. */
  waitMs(key: string, now: number): number {
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs || w.count < this.max) return 0;
    return w.start + this.windowMs - now;
  }

  count(key: string, now: number): void {
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
export class FailureBackoff {
  private readonly entries = new Map<string, { failures: number; last: number; lockedUntil: number }>();

  constructor(
    private readonly limit: number,
    private readonly baseMs = 1_000,
    private readonly maxMs = 15 * 60_000,
    private readonly forgetMs = 15 * 60_000,
    private readonly cap = 10_000,
  ) {}

  waitMs(key: string, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (now - e.last >= this.forgetMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, e.lockedUntil - now);
  }

  fail(key: string, now: number): void {
    let e = this.entries.get(key);
    if (!e || now - e.last >= this.forgetMs) e = { failures: 0, last: now, lockedUntil: 0 };
    this.entries.delete(key);
    e.failures++;
    e.last = now;
    if (e.failures >= this.limit) {
      const exp = e.failures - this.limit;
      e.lockedUntil = now + Math.min(this.maxMs, this.baseMs * 2 ** Math.min(exp, 30));
    }
    this.entries.set(key, e);
    trim(this.entries, this.cap);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }
}
