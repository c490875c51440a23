/**
 * The one place errors reach the wire. OAuthErrors become RFC 6749 §5.2 JSON
 * with Cache-Control: no-store; anything else becomes a generic 500
 * `server_error` (the detail is logged, never sent).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isOAuthError, OAuthError } from '../oauth/errors.ts';
import { isStoreUnavailable } from './unavailable.ts';

export function oauthErrorBody(e: OAuthError): Record<string, string> {
  return {
    error: e.code,
    error_description: e.description,
    ...(e.field ? { field: e.field } : {}),
  };
}

export function sendOAuthError(reply: FastifyReply, e: OAuthError): FastifyReply {
  reply.code(e.status).header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (e.status === 401 && e.code === 'invalid_client') {
    // RFC 6749 §5.2: a 401 carries a challenge for the scheme the client used.
    reply.header('www-authenticate', `${e.authScheme ?? 'Basic'} realm="s2s-oauth", error="invalid_client"`);
  }
  return reply.type('application/json; charset=utf-8').send(oauthErrorBody(e));
}

/** Maps framework errors (bad JSON, body too large, wrong media type) to OAuth errors. */
export function toOAuthError(err: unknown): OAuthError {
  if (isOAuthError(err)) return err;
  const fe = err as Partial<FastifyError>;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const desc =
      fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'request body is too large'
        : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported content type'
          : fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'request body is empty'
            : fe.statusCode === 404
              ? 'not found'
              : 'request body could not be parsed';
    const code = fe.statusCode === 404 ? 'not_found' : 'invalid_request';
    return new OAuthError(code, desc, { status: fe.statusCode === 413 ? 413 : undefined });
  }
  if (isStoreUnavailable(err)) {
    return new OAuthError('temporarily_unavailable', 'the service is temporarily unavailable; retry later', {
      cause: err,
    });
  }
  return new OAuthError('server_error', 'internal server error', { cause: err });
}

export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = toOAuthError(err);
  if (e.status === 503) {
    reply.header('retry-after', '5');
    req.log.warn({ code: (err as { code?: string }).code }, 'store unavailable');
  } else if (e.status >= 500) req.log.error({ err }, 'request failed');
  else req.log.info({ code: e.code, detail: e.detail }, 'request refused');
  return sendOAuthError(reply, e);
}
