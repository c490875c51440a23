/**
 * Background purge: deletes what has expired — access tokens, ended refresh families, used and
 * expired authorization codes, replay records, browser sessions, old sign-in failures, daily API counts older than 31 days — so the
 * store does not grow without bound. Started by server.ts in every process.
 *
 * Bounded: each task deletes `batchSize` rows per statement and at most `maxBatches` batches a
 * run, yielding to the event loop between batches, so requests are never held up for long.
 * Safe to run in many processes at once: every batch is one `DELETE … WHERE key IN (SELECT …
 * LIMIT n)` (a transaction for refresh families); two processes deleting the same rows only
 * find them gone. A failing task (database away) is logged and retried at the next run.
 */
import type { Logger } from 'pino';
import { LOGIN_WINDOW_MS } from '../oauth/authorization/login.ts';
import type { Store } from '../store/interfaces.ts';

/** Same as oauth/authorization/codes.ts: a late second use of a code must still revoke. */
const CODE_RETENTION_MS = 86_400_000;
/** Ended (revoked or expired) refresh families are kept a day: reuse is still recognised. */
const FAMILY_RETENTION_MS = 86_400_000;
/** Daily API counts (one row per app and UTC day) are kept 31 days, then deleted. */
const API_USAGE_RETENTION_MS = 31 * 86_400_000;

export interface PurgeCounts {
  accessTokens: number;
  /** Revocations of stateless JWTs (token_revocations) that no live token needs any more. */
  tokenRevocations: number;
  refreshFamilies: number;
  authorizationCodes: number;
  replay: number;
  sessions: number;
  loginFailures: number;
  /** Daily API counts older than the retention (few rows: one per app and day). */
  apiUsage: number;
}

type Task = (store: Store, now: number, limit: number) => Promise<number>;

const TASKS: Record<keyof PurgeCounts, Task> = {
  accessTokens: (s, now, n) => s.accessTokens.purgeExpired(now, n),
  tokenRevocations: (s, now, n) => s.revocations.purgeExpired(now, n),
  refreshFamilies: (s, now, n) => s.refreshTokens.purgeEnded(now - FAMILY_RETENTION_MS, n),
  authorizationCodes: (s, now, n) => s.authorizationCodes.purgeExpired(now - CODE_RETENTION_MS, n),
  replay: (s, now, n) => s.replay.purgeExpired(now, n),
  sessions: (s, now, n) => s.sessions.purgeExpired(now, n),
  loginFailures: (s, now, n) => s.loginThrottle.purgeBefore(now - LOGIN_WINDOW_MS, n),
  // One row per app and day, so one unbounded DELETE stays small; 0 afterwards (no second batch).
  apiUsage: async (s, now) => s.apiUsage.purgeBefore(utcDayOf(now - API_USAGE_RETENTION_MS)),
};

/** `YYYY-MM-DD` of a UTC day, as api_usage stores it (resource/limits.ts utcDay). */
const utcDayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export interface PurgeOptions {
  /** Time between runs, ms (default 60 000; 0: never on a timer, runOnce only). */
  intervalMs?: number;
  /** Rows per DELETE (default 1000). */
  batchSize?: number;
  /** Batches per task per run (default 50): what is left waits for the next run. */
  maxBatches?: number;
  now?: () => number;
  log?: Pick<Logger, 'info' | 'warn'>;
}

export class Purger {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PurgeCounts> | undefined;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly maxBatches: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly opts: PurgeOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.batchSize = opts.batchSize ?? 1000;
    this.maxBatches = opts.maxBatches ?? 50;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Runs on the interval. The first run comes after half to all of it (random), so processes
   * started together spread out and a short-lived process (a test) rarely purges at all.
   */
  start(): this {
    if (this.intervalMs > 0) this.schedule(this.intervalMs * (0.5 + Math.random() * 0.5));
    return this;
  }

  /** Stops the timer and waits for a run in progress to finish its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** One pass over every task; a run already in progress is joined, not doubled. */
  runOnce(): Promise<PurgeCounts> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch(() => {})
        // ±10 % jitter keeps processes that started together from purging in step.
        .finally(() => this.schedule(this.intervalMs * (0.9 + Math.random() * 0.2)));
    }, delay);
    this.timer.unref();
  }

  private async pass(): Promise<PurgeCounts> {
    const counts: PurgeCounts = {
      accessTokens: 0,
      tokenRevocations: 0,
      refreshFamilies: 0,
      authorizationCodes: 0,
      replay: 0,
      sessions: 0,
      loginFailures: 0,
      apiUsage: 0,
    };
    const failed: string[] = [];
    let lastError: unknown;
    for (const [name, task] of Object.entries(TASKS) as [keyof PurgeCounts, Task][]) {
      try {
        for (let i = 0; i < this.maxBatches && !this.stopped; i++) {
          const n = await task(this.store, this.now(), this.batchSize);
          counts[name] += n;
          if (n < this.batchSize) break;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } catch (err) {
        failed.push(name);
        lastError = err;
      }
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total > 0) this.opts.log?.info({ purged: counts }, 'expired rows purged');
    if (failed.length > 0) this.opts.log?.warn({ err: lastError, failed }, 'purge failed; retried next run');
    return counts;
  }
}
