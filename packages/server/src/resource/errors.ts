/**
 * Error replies of the protected API, in Salesforce's shape: a JSON array of
 * `{message, errorCode}` (salesforce-flows.md §5), never OAuth's `{error}`
 * object. The RFC 6750 §3 error code travels in the `WWW-Authenticate`
 * challenge; codes that Salesforce has no name for are the RFC code in upper case.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isOAuthError } from '../oauth/errors.ts';
import { sendJson } from './reply.ts';
import { RESOURCE_SCOPES, type ResourceKind } from './scopes.ts';

export const REALM = 's2s-oauth';

/** One entry of a Salesforce error array; key order is kept as Salesforce writes it. */
export type SalesforceError = Readonly<Record<string, string>>;

export class ResourceError extends Error {
  constructor(
    readonly status: number,
    readonly body: readonly SalesforceError[],
    /** The `WWW-Authenticate` value, when the reply carries a challenge (RFC 6750 §3). */
    readonly challenge?: string,
    /** Logged, never sent. */
    readonly detail?: string,
  ) {
    super(`${status} ${body[0]?.errorCode ?? ''}`);
    this.name = 'ResourceError';
  }
}

/** `Bearer realm="s2s-oauth"[, k="v"…]` — RFC 6750 §3 auth-params are quoted strings. */
export function bearerChallenge(attrs: Record<string, string> = {}): string {
  return [`Bearer realm="${REALM}"`, ...Object.entries(attrs).map(([k, v]) => `${k}="${v}"`)].join(', ');
}

/** The one 401 body, whatever the cause: Salesforce does not tell expired from revoked or forged. */
const INVALID_SESSION: SalesforceError[] = [
  { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
];

/** 401 with no `error` attribute: the request carried no token at all (RFC 6750 §3.1). */
export function noToken(): ResourceError {
  return new ResourceError(401, INVALID_SESSION, bearerChallenge(), 'no access token');
}

/** 401 `invalid_token`: expired, revoked, malformed, forged or for an inactive user (RFC 6750 §3.1). */
export function invalidToken(reason: string): ResourceError {
  return new ResourceError(401, INVALID_SESSION, bearerChallenge({ error: 'invalid_token' }), reason);
}

/** 400 `invalid_request` (RFC 6750 §3.1), e.g. a token sent in more than one way (§2). */
export function invalidRequest(description: string): ResourceError {
  return new ResourceError(
    400,
    [{ message: description, errorCode: 'INVALID_REQUEST' }],
    bearerChallenge({ error: 'invalid_request', error_description: description }),
    description,
  );
}

/** 403 `insufficient_scope`, naming the scope that would open the resource (RFC 6750 §3.1). */
export function insufficientScope(kind: ResourceKind): ResourceError {
  const message =
    kind === 'data'
      ? 'This session is not valid for use with the REST API'
      : 'This session is not valid for use with the identity service';
  return new ResourceError(
    403,
    [{ message, errorCode: 'INSUFFICIENT_SCOPE' }],
    bearerChallenge({ error: 'insufficient_scope', scope: RESOURCE_SCOPES[kind].challenge }),
    `token lacks every scope of ${kind}`,
  );
}

/** 403 for a valid token that may not see this resource (not a scope problem: no challenge). */
export function forbidden(message: string): ResourceError {
  return new ResourceError(403, [{ message, errorCode: 'INSUFFICIENT_ACCESS' }]);
}

/** Salesforce's 404, byte for byte. */
export function notFound(): ResourceError {
  return new ResourceError(404, [
    { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
  ]);
}

export function notAcceptable(message: string): ResourceError {
  return new ResourceError(406, [{ message, errorCode: 'NOT_ACCEPTABLE' }]);
}

export function sendResourceError(reply: FastifyReply, e: ResourceError): FastifyReply {
  if (e.challenge) reply.header('www-authenticate', e.challenge);
  return sendJson(reply, e.status, e.body);
}

/**
 * Anything thrown on these paths, Fastify's own errors included (body too
 * large, unparsable JSON), answers in the Salesforce shape; an unexpected
 * failure is a 500 `UNKNOWN_EXCEPTION` with the request id, never a stack.
 */
export function toResourceError(err: unknown, requestId: string): ResourceError {
  if (err instanceof ResourceError) return err;
  if (isOAuthError(err) && err.status < 500) {
    return new ResourceError(err.status, [{ message: err.description, errorCode: err.code.toUpperCase() }]);
  }
  const fe = err as Partial<FastifyError>;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 404) return notFound();
    const errorCode =
      fe.statusCode === 413
        ? 'REQUEST_ENTITY_TOO_LARGE'
        : fe.statusCode === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'JSON_PARSER_ERROR'
            : 'INVALID_REQUEST';
    const message =
      fe.statusCode === 413 ? 'The request body is too large' : 'The request could not be parsed';
    return new ResourceError(fe.statusCode, [{ message, errorCode }], undefined, fe.code);
  }
  return new ResourceError(500, [
    {
      message: `An unexpected error occurred. Please include this ErrorId if you contact support: ${requestId}`,
      errorCode: 'UNKNOWN_EXCEPTION',
    },
  ]);
}

export function resourceErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = toResourceError(err, req.id);
  if (e.status >= 500) req.log.error({ err }, 'resource request failed');
  else req.log.info({ status: e.status, detail: e.detail }, 'resource request refused');
  return sendResourceError(reply, e);
}
