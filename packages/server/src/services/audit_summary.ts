/**
 * The audit log summed up for a chart: successful grants per grant type and failures per
 * error code, in fixed time buckets over the last hour, day or week (Salesforce's Login
 * History has no such view; the console uses it to show a failing integration early).
 * Buckets are aligned to whole bucket widths in UTC and end with the one holding "now".
 */
import type { ServerContext } from '../context.ts';
import type { AuditSummaryFilter } from '../store/interfaces.ts';
import { stringParams } from './query.ts';
import { oneOf, str } from './validate.ts';

export const SUMMARY_WINDOWS = {
  hour: { bucketMs: 5 * 60_000, buckets: 12 },
  day: { bucketMs: 3_600_000, buckets: 24 },
  week: { bucketMs: 6 * 3_600_000, buckets: 28 },
} as const;

export type SummaryWindow = keyof typeof SUMMARY_WINDOWS;
export const WINDOW_NAMES = Object.keys(SUMMARY_WINDOWS) as SummaryWindow[];
export const DEFAULT_WINDOW: SummaryWindow = 'day';

const KEYS = ['window', 'clientId', 'username', 'grantType', 'result'] as const;

export interface SummaryQuery {
  window: SummaryWindow;
  filter: Omit<AuditSummaryFilter, 'since' | 'until' | 'bucketMs'>;
}

/** Query string → window and filters; every problem is a 400 naming the parameter. */
export function parseSummaryQuery(query: unknown): SummaryQuery {
  const q = stringParams(query, KEYS);
  const filter: SummaryQuery['filter'] = {};
  if (q.clientId !== undefined) filter.clientId = str(q.clientId, 'clientId', { max: 256 });
  if (q.username !== undefined) filter.username = str(q.username, 'username', { max: 256 });
  if (q.grantType !== undefined) filter.grantType = str(q.grantType, 'grantType', { max: 256 });
  if (q.result !== undefined) filter.result = oneOf(q.result, 'result', ['success', 'failure'] as const);
  const window = q.window === undefined ? DEFAULT_WINDOW : oneOf(q.window, 'window', WINDOW_NAMES);
  return { window, filter };
}

export interface SummaryBucket {
  start: string;
  /** Successful grants per grant type. */
  grants: Record<string, number>;
  /** Failed grant attempts per error code. */
  failures: Record<string, number>;
}

export interface AuditSummary {
  window: SummaryWindow;
  bucketSeconds: number;
  since: string;
  until: string;
  buckets: SummaryBucket[];
  totals: { grants: Record<string, number>; failures: Record<string, number> };
}

const add = (m: Record<string, number>, k: string, n: number) => {
  m[k] = (m[k] ?? 0) + n;
};

export async function auditSummary(ctx: ServerContext, query: unknown): Promise<AuditSummary> {
  const { window, filter } = parseSummaryQuery(query);
  const { bucketMs, buckets: n } = SUMMARY_WINDOWS[window];
  const until = (Math.floor(ctx.now() / bucketMs) + 1) * bucketMs;
  const since = until - n * bucketMs;
  const counts = await ctx.store.audit.summarize({ ...filter, since, until, bucketMs });
  const buckets: SummaryBucket[] = Array.from({ length: n }, (_, i) => ({
    start: new Date(since + i * bucketMs).toISOString(),
    grants: {},
    failures: {},
  }));
  const totals = { grants: {}, failures: {} };
  for (const c of counts) {
    const b = buckets[c.bucket];
    if (!b) continue;
    if (c.result === 'success') {
      add(b.grants, c.grantType ?? 'unknown', c.count);
      add(totals.grants, c.grantType ?? 'unknown', c.count);
    } else {
      add(b.failures, c.errorCode ?? 'unknown', c.count);
      add(totals.failures, c.errorCode ?? 'unknown', c.count);
    }
  }
  return {
    window,
    bucketSeconds: bucketMs / 1000,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    buckets,
    totals,
  };
}
