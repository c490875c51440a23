/**
 * Who is calling the protected API: finds the access token in the request
 * (RFC 6750 §2), resolves it to a live token (either format, RFC 9068 §4 for
 * JWTs) and checks the scope the resource needs. Every refusal is a typed
 * ResourceError (errors.ts); the token itself is never logged.
 *
 * Where a token may be:
 * - `Authorization: Bearer <token>` (§2.1), or `Authorization: OAuth <token>` as Salesforce accepts;
 * - `access_token` in a form body of a POST (§2.2; only userinfo takes POST);
 * - `oauth_token` in the query, Salesforce's parameter, on userinfo and the identity URL only.
 * `access_token` in the query (§2.3) is refused: RFC 9700 §4.3.2 forbids it.
 * More than one of header and body, or body and query, is 400 (§2). A header
 * together with `oauth_token` is not: jsforce's `identity()` sends both, and
 * after a refresh retries with the new token in the header and the old one
 * still in the URL, so the header wins and `oauth_token` is ignored.
 */
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.ts';
import type { AccessTokenRecord, App, User } from '../domain/types.ts';
import { isOAuthError } from '../oauth/errors.ts';
import { parseForm } from '../oauth/params.ts';
import { resolveAccessToken } from '../oauth/tokens/access_token.ts';
import { insufficientScope, invalidRequest, invalidToken, noToken } from './errors.ts';
import { allows, type ResourceKind } from './scopes.ts';

export type TokenSource = 'header' | 'body' | 'query';

export interface BearerOptions {
  /** Accept Salesforce's `oauth_token` query parameter (userinfo and identity URL). */
  oauthTokenQuery?: boolean;
}

/** The live token behind a request. */
export interface Caller {
  record: AccessTokenRecord;
  user: User;
  app: App;
  source: TokenSource;
}

const AUTH_SCHEME = /^(?:Bearer|OAuth)(?:[ \t]+(.*))?$/i;
// Visible ASCII, no spaces. Wider than RFC 6750's b64token: Salesforce tokens contain '!'.
const TOKEN_CHARS = /^[\x21-\x7E]{1,8192}$/;

/** The request URL's query, parsed without merging repeated names. */
export function queryOf(req: FastifyRequest): URLSearchParams {
  const q = req.url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
}

function fromHeader(req: FastifyRequest): string | undefined {
  const m = AUTH_SCHEME.exec((req.headers.authorization ?? '').trim());
  return m ? (m[1] ?? '').trim() : undefined;
}

function fromBody(req: FastifyRequest): string | undefined {
  if (req.method !== 'POST' || typeof req.body !== 'string') return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  try {
    // An empty value counts as absent; a repeated parameter is refused (RFC 6749 §3.1).
    return parseForm(req.body).get('access_token');
  } catch (e) {
    throw isOAuthError(e) ? invalidRequest(e.description) : e;
  }
}

function fromQuery(query: URLSearchParams, opts: BearerOptions): string | undefined {
  if (query.has('access_token')) {
    throw invalidRequest('access tokens must not be sent in the URL query');
  }
  if (!opts.oauthTokenQuery) return undefined;
  const all = query.getAll('oauth_token');
  if (all.length > 1) throw invalidRequest('oauth_token was sent more than once');
  return all[0] || undefined;
}

/** The presented token and where it came from, or undefined when there is none. */
export function presentedToken(
  req: FastifyRequest,
  opts: BearerOptions = {},
): { token: string; source: TokenSource } | undefined {
  const header = fromHeader(req);
  const body = fromBody(req);
  const query = fromQuery(queryOf(req), opts);
  if (body !== undefined && (header !== undefined || query !== undefined)) {
    throw invalidRequest('the access token must be sent in exactly one way');
  }
  if (header !== undefined) return { token: header, source: 'header' };
  if (body !== undefined) return { token: body, source: 'body' };
  if (query !== undefined) return { token: query, source: 'query' };
  return undefined;
}

/** Authenticates the request for a resource of the given kind, or throws the 400/401/403 to send. */
export async function authenticate(
  ctx: ServerContext,
  req: FastifyRequest,
  kind: ResourceKind,
  opts: BearerOptions = {},
): Promise<Caller> {
  const presented = presentedToken(req, opts);
  if (!presented) throw noToken();
  if (!TOKEN_CHARS.test(presented.token)) throw invalidToken('malformed');
  const r = await resolveAccessToken(ctx, presented.token);
  if (!r.ok) throw invalidToken(r.reason);
  if (!allows(kind, r.record.scopes)) throw insufficientScope(kind);
  return { record: r.record, user: r.user, app: r.app, source: presented.source };
}
