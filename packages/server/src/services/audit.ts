/**
 * The audit log of grant attempts (Salesforce: Login History), filtered for
 * the admin API. Query values arrive as strings and are checked here.
 */
import type { ServerContext } from '../context.ts';
import type { AuditEvent } from '../domain/types.ts';
import type { AuditFilter } from '../store/interfaces.ts';
import { stringParams } from './query.ts';
import { bad, oneOf, str } from './validate.ts';

const FILTER_KEYS = ['clientId', 'username', 'grantType', 'result', 'since', 'limit'] as const;
export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1000;

export function auditEventView(e: AuditEvent) {
  return {
    id: e.id ?? null,
    at: new Date(e.at).toISOString(),
    event: e.event,
    clientId: e.clientId,
    userId: e.userId,
    username: e.username,
    grantType: e.grantType,
    result: e.result,
    errorCode: e.errorCode,
    errorDescription: e.errorDescription,
    sourceIp: e.sourceIp,
    tokenId: e.tokenId ?? null,
  };
}

/** `since`: an ISO 8601 date-time or epoch milliseconds. */
function parseSince(v: string): number {
  const n = /^\d{1,15}$/.test(v) ? Number(v) : /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(n)) throw bad('since', 'must be an ISO 8601 date-time or epoch milliseconds');
  return n;
}

function parseLimit(v: string): number {
  const n = /^\d{1,5}$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= 1 && n <= MAX_AUDIT_LIMIT))
    throw bad('limit', `must be a whole number from 1 to ${MAX_AUDIT_LIMIT}`);
  return n;
}

/** Turns the query string into a store filter; every problem is a 400 naming the parameter. */
export function parseAuditQuery(query: unknown): AuditFilter {
  const q = stringParams(query, FILTER_KEYS);
  const f: AuditFilter = { limit: DEFAULT_AUDIT_LIMIT };
  if (q.clientId !== undefined) f.clientId = str(q.clientId, 'clientId', { max: 256 });
  if (q.username !== undefined) f.username = str(q.username, 'username', { max: 256 });
  if (q.grantType !== undefined) f.grantType = str(q.grantType, 'grantType', { max: 256 });
  if (q.result !== undefined) f.result = oneOf(q.result, 'result', ['success', 'failure'] as const);
  if (q.since !== undefined) f.since = parseSince(q.since);
  if (q.limit !== undefined) f.limit = parseLimit(q.limit);
  return f;
}

/** Newest first. */
export async function listAudit(ctx: ServerContext, query: unknown) {
  return (await ctx.store.audit.list(parseAuditQuery(query))).map(auditEventView);
}
