/**
 * The daily API request limit (Salesforce's "API Requests, Last 24 Hours"), per
 * app and per UTC day, from the app's `api.dailyLimit` policy:
 * - every authenticated call under `/services/data/v{version}/` counts, once the
 *   token is valid, whatever its outcome. The server counts in memory and writes the
 *   counts in batches (store/api_usage_meter.ts, `apiUsageFlushMs`): exact within one
 *   process, and across processes over by at most what the others have not written yet
 *   (docs/resource-server.md). With `apiUsageFlushMs` 0 each call is one atomic
 *   `INSERT … ON CONFLICT DO UPDATE … RETURNING` (ApiUsageStore.increment);
 * - a call beyond the limit is 403 `REQUEST_LIMIT_EXCEEDED`;
 * - `GET /services/data/v{version}/limits` reports `DailyApiRequests: {Max, Remaining}`.
 * `GET /services/data` (the version list) needs no token and is not counted.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.ts';
import { apiPolicies } from '../services/apps.ts';
import { authenticate, type Caller } from './bearer.ts';
import { notFound } from './errors.ts';
import { requestLimitExceeded } from './records/errors.ts';
import { sendJson } from './reply.ts';
import { versionFromSegment } from './versions.ts';

export interface MeteredCaller extends Caller {
  /** The app's API calls today, this one included. */
  apiCalls: number;
}

/** `YYYY-MM-DD` of the UTC day of an epoch-milliseconds time. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Authenticates a REST API call (data scope), counts it for the app, and enforces the daily limit. */
export async function apiCaller(ctx: ServerContext, req: FastifyRequest): Promise<MeteredCaller> {
  const caller = await authenticate(ctx, req, 'data');
  const apiCalls = await ctx.store.apiUsage.increment(caller.app.id, utcDay(ctx.now()));
  if (apiCalls > apiPolicies(caller.app).dailyLimit) throw requestLimitExceeded();
  return { ...caller, apiCalls };
}

/**
 * An API call to a versioned path: metered, then the version checked (an unknown
 * version is 404 after the token, as everywhere under `/services/data`).
 */
export async function versionedCall(
  ctx: ServerContext,
  req: FastifyRequest<{ Params: { version: string } }>,
): Promise<{ caller: MeteredCaller; version: string }> {
  const caller = await apiCaller(ctx, req);
  const version = versionFromSegment(req.params.version);
  if (!version) throw notFound();
  return { caller, version };
}

export function limitsDocument(
  max: number,
  used: number,
): Record<string, { Max: number; Remaining: number }> {
  return { DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) } };
}

/** `GET /services/data/v{version}/limits`, registered under the `/services/data` prefix. */
export function limitsRoutes(ctx: ServerContext) {
  return async (scope: FastifyInstance): Promise<void> => {
    scope.get<{ Params: { version: string } }>('/:version/limits', async (req, reply) => {
      const { caller } = await versionedCall(ctx, req);
      return sendJson(reply, 200, limitsDocument(apiPolicies(caller.app).dailyLimit, caller.apiCalls));
    });
  };
}
