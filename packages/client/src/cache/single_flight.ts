/**
 * Single flight with backoff: however many callers ask at once, one call runs
 * and all of them get its result — or its error. After a failure, callers get
 * that same error at once until the backoff has passed (1 s, doubling, capped),
 * so a failing server is not hammered; the next call after that runs for real.
 */

export interface BackoffOptions {
  /** First wait after a failure, ms (default 1000). */
  initialMs?: number;
  /** Longest wait, ms (default 30000). */
  maxMs?: number;
}

export class SingleFlight<T> {
  private inflight: Promise<T> | undefined;
  private failures = 0;
  private lastError: unknown;
  private blockedUntil = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly now: () => number,
    backoff: BackoffOptions = {},
  ) {
    this.initialMs = backoff.initialMs ?? 1000;
    this.maxMs = backoff.maxMs ?? 30_000;
  }

  /** True while a call is running. */
  get running(): boolean {
    return this.inflight !== undefined;
  }

  /** Epoch ms before which no new call starts (0 when not backing off). */
  get backoffUntil(): number {
    return this.blockedUntil;
  }

  run(fn: () => Promise<T>): Promise<T> {
    if (this.inflight) return this.inflight;
    if (this.now() < this.blockedUntil) return Promise.reject(this.lastError);
    const p = Promise.resolve()
      .then(fn)
      .then(
        (v) => {
          this.failures = 0;
          this.blockedUntil = 0;
          this.lastError = undefined;
          return v;
        },
        (err: unknown) => {
          this.failures++;
          this.lastError = err;
          this.blockedUntil = this.now() + Math.min(this.maxMs, this.initialMs * 2 ** (this.failures - 1));
          throw err;
        },
      )
      .finally(() => {
        if (this.inflight === p) this.inflight = undefined;
      });
    this.inflight = p;
    return p;
  }

  /** Forgets a failure, so the next call runs at once. */
  reset(): void {
    this.failures = 0;
    this.blockedUntil = 0;
    this.lastError = undefined;
  }
}
