/** Every grant attempt, success or failure, becomes an audit event (Salesforce's Login History). */
import type { ServerContext } from '../context.ts';
import { isStoreUnavailable } from '../http/unavailable.ts';
import { isOAuthError } from '../oauth/errors.ts';

export interface GrantAttempt {
  grantType: string | null;
  audit: { clientId?: string; userId?: string; username?: string };
  sourceIp: string | null;
  error: unknown;
  /** The access token issued (jti or record id), on success. */
  tokenId?: string;
}

export async function recordGrantAttempt(ctx: ServerContext, a: GrantAttempt): Promise<void> {
  const e = a.error;
  // What the client was told (http/errors.ts): a store outage is a 503, not a 500. The event
  // is buffered and written once the database is back (store/audit_write_behind.ts); with
  // `auditFlushMs` 0 the write fails now, and is counted by the metrics on the way.
  const unavailable = e !== null && !isOAuthError(e) && isStoreUnavailable(e);
  try {
    await ctx.store.audit.record({
      at: ctx.now(),
      event: 'token',
      clientId: a.audit.clientId?.slice(0, 256) ?? null,
      userId: a.audit.userId ?? null,
      username: a.audit.username?.slice(0, 256) ?? null,
      grantType: a.grantType?.slice(0, 256) ?? null,
      result: e === null ? 'success' : 'failure',
      errorCode:
        e === null
          ? null
          : isOAuthError(e)
            ? e.code
            : unavailable
              ? 'temporarily_unavailable'
              : 'server_error',
      errorDescription:
        e === null
          ? null
          : isOAuthError(e)
            ? e.description
            : unavailable
              ? 'store unavailable'
              : 'internal error',
      sourceIp: a.sourceIp,
      tokenId: a.tokenId ?? null,
    });
  } catch (err) {
    // An audit write must not turn an answer into a 500, but it must not vanish either.
    ctx.log.error({ err }, 'audit event could not be written');
  }
}
