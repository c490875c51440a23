/**
 * Client authentication at the token, revocation and introspection endpoints.
 * Methods: client_secret_basic and client_secret_post (RFC 6749 §2.3.1), and
 * private_key_jwt (RFC 7523 §2.2, in client_assertion.ts).
 */
import type { ServerContext } from '../context.ts';
import { digestEquals, sha256Hex } from '../domain/hashing.ts';
import type { App } from '../domain/types.ts';
import { authenticateWithAssertion, claimedClientId } from './client_assertion.ts';
import { OAuthError } from './errors.ts';
import type { Params } from './params.ts';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface AuthenticatedClient {
  app: App;
  method: ClientAuthMethod;
  /** The presented secret, kept only for the response `signature` (HMAC keyed by the secret). */
  secret?: string;
}

/** What the request offered, before anything is checked. */
export interface ClientCredentials {
  method: ClientAuthMethod;
  /** As claimed, unverified: for private_key_jwt, `client_id` or else the assertion's `iss`. */
  clientId?: string;
  secret?: string;
  assertion?: string;
}

export const CLIENT_ASSERTION_TYPE_JWT = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Parameters the client-authentication step reads; every endpoint accepts them. */
export const CLIENT_AUTH_PARAMETERS = [
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
];

const INVALID_CLIENT = 'invalid client credentials';

/**
 * Reads the credentials a request carries. A client MUST NOT use more than one
 * method in a request (RFC 6749 §2.3), and a client_id in the body must agree
 * with the one in the Basic header.
 */
export function readClientCredentials(params: Params, authorization: string | undefined): ClientCredentials {
  const basic = authorization !== undefined && /^basic /i.test(authorization);
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  const assertion = params.get('client_assertion');
  const assertionType = params.get('client_assertion_type');
  const methods = [
    basic,
    bodySecret !== undefined,
    assertion !== undefined || assertionType !== undefined,
  ].filter(Boolean).length;
  if (methods > 1) {
    throw new OAuthError('invalid_request', 'more than one client authentication method was used');
  }
  if (basic) {
    const { id, secret } = parseBasic(authorization as string);
    if (bodyId !== undefined && bodyId !== id) {
      throw new OAuthError('invalid_request', 'client_id does not match the Authorization header');
    }
    return { method: 'client_secret_basic', clientId: id, secret };
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined)
      throw new OAuthError('invalid_request', 'client_secret was sent without client_id');
    return { method: 'client_secret_post', clientId: bodyId, secret: bodySecret };
  }
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType !== CLIENT_ASSERTION_TYPE_JWT) {
      throw new OAuthError('invalid_request', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE_JWT}`);
    }
    if (assertion === undefined) throw new OAuthError('invalid_request', 'client_assertion is missing');
    return { method: 'private_key_jwt', clientId: claimedClientId(bodyId, assertion), assertion };
  }
  return { method: 'none', clientId: bodyId };
}

/** RFC 6749 §2.3.1 / Appendix B: id and secret are form-urlencoded before Basic encoding. */
function parseBasic(header: string): { id: string; secret: string } {
  const fail = () =>
    new OAuthError('invalid_client', 'malformed Basic authorization header', { authScheme: 'Basic' });
  const encoded = header.slice(6).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw fail();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw fail();
  try {
    const id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    if (!id) throw fail();
    return { id, secret };
  } catch {
    throw fail();
  }
}

// Compared against when the client id is unknown, so both cases do the same work.
const DUMMY_HASH = sha256Hex('s2s-oauth: no such client');

/**
 * Checks a client secret against every secret registered for the app (several
 * may be live during rotation). Unknown client and wrong secret answer the same
 * 401 invalid_client and cost the same (security catalogue §5.1).
 */
export async function authenticateWithSecret(
  ctx: ServerContext,
  creds: ClientCredentials,
): Promise<AuthenticatedClient> {
  const scheme = creds.method === 'client_secret_basic' ? 'Basic' : undefined;
  const app = creds.clientId === undefined ? undefined : await ctx.store.apps.findByClientId(creds.clientId);
  const hashes = app ? (await ctx.store.apps.secrets(app.id)).map((s) => s.hash) : [DUMMY_HASH];
  const presented = sha256Hex(creds.secret ?? '');
  let ok = false;
  for (const h of hashes) ok = digestEquals(presented, h) || ok;
  if (!app || !ok) {
    throw new OAuthError('invalid_client', INVALID_CLIENT, {
      authScheme: scheme,
      detail: app ? 'wrong client secret' : 'unknown client_id',
    });
  }
  return { app, method: creds.method, secret: creds.secret };
}

/** Authenticates whatever credentials were offered; null when none were (method `none`). */
export async function authenticateClient(
  ctx: ServerContext,
  creds: ClientCredentials,
): Promise<AuthenticatedClient | null> {
  switch (creds.method) {
    case 'client_secret_basic':
    case 'client_secret_post':
      return authenticateWithSecret(ctx, creds);
    case 'private_key_jwt':
      return authenticateWithAssertion(ctx, creds);
    case 'none':
      return null;
  }
}
