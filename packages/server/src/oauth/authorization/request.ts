/**
 * Validation of an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3). The client and
 * its redirect URI are checked first: until both are known good, nothing is redirected
 * (RFC 6749 §4.1.2.1). The query is re-validated at every step (login, consent), so what
 * a form carries back is never trusted as already checked.
 */
import type { App } from '../../domain/types.ts';
import type { AppStore } from '../../store/interfaces.ts';
import { isOAuthError } from '../errors.ts';
import { narrowScopes, parseScopeParam } from '../scopes.ts';
import { PageError, RedirectError } from './errors.ts';
import { isS256Challenge, PKCE_METHOD } from './pkce.ts';
import { isRegisteredRedirectUri } from './redirect_uri.ts';

export interface AuthorizationRequest {
  app: App;
  redirectUri: string;
  /** Echoed back unchanged (RFC 6749 §4.1.2, §10.12). */
  state: string | undefined;
  /** What the user is asked to grant: the requested scopes, or all of the app's when none were. */
  scopes: string[];
  /** RFC 7636 S256 challenge, or null. */
  codeChallenge: string | null;
  /** `prompt=consent`: ask again even when an approval covers the scopes. */
  forceConsent: boolean;
  /** The query string as received, carried through the login and consent forms. */
  query: string;
}

/** Multi-valued view of a query string; empty values count as absent (as in oauth/params.ts). */
export function parseQuery(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(query)) {
    if (v === '') continue;
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

export interface RequestStores {
  apps: Pick<AppStore, 'findByClientId' | 'secrets'>;
}

/**
 * A public client (RFC 6749 §2.1): an app that does not require its secret — Salesforce's
 * "Require Secret" switched off (`refreshToken.requireSecret: false`) — or has none. It may
 * exchange a code with client_id alone, so PKCE is required of it (RFC 9700 §2.1.1).
 */
export async function isPublicClient(stores: RequestStores, app: App): Promise<boolean> {
  if (app.policies.refreshToken.requireSecret === false) return true;
  return (await stores.apps.secrets(app.id)).length === 0;
}

export async function validateAuthorizationRequest(
  stores: RequestStores,
  query: string,
): Promise<AuthorizationRequest> {
  const q = parseQuery(query);
  const one = (name: string): string | undefined => q.get(name)?.[0];

  // 1. The client (RFC 6749 §4.1.2.1: an invalid client_id is never redirected).
  const clientIds = q.get('client_id') ?? [];
  if (clientIds.length !== 1) {
    throw new PageError(
      'This sign-in link is not valid',
      clientIds.length === 0
        ? 'The request names no application (client_id is missing).'
        : 'client_id appears more than once.',
    );
  }
  const app = await stores.apps.findByClientId(clientIds[0]!);
  if (!app) throw new PageError('Unknown application', 'No application is registered with this client_id.');

  // 2. The redirect URI: required, and exactly one of the registered ones (RFC 9700 §2.1).
  const redirects = q.get('redirect_uri') ?? [];
  if (redirects.length !== 1) {
    throw new PageError(
      'This sign-in link is not valid',
      redirects.length === 0 ? 'The request has no redirect_uri.' : 'redirect_uri appears more than once.',
    );
  }
  const redirectUri = redirects[0]!;
  if (!isRegisteredRedirectUri(app.callbackUrls, redirectUri)) {
    throw new PageError(
      'Redirect address not allowed',
      `The redirect_uri is not one of the callback URLs registered for ${app.name}.`,
    );
  }

  // From here on, errors go back to the client.
  const states = q.get('state') ?? [];
  const state = states.length === 1 ? states[0] : undefined;
  const fail = (code: ConstructorParameters<typeof RedirectError>[0], description: string): never => {
    throw new RedirectError(code, description, redirectUri, state);
  };
  for (const [name, values] of q) {
    // RFC 6749 §3.1: parameters MUST NOT be included more than once.
    if (values.length > 1) fail('invalid_request', `parameter ${name} was sent more than once`);
  }

  const responseType = one('response_type');
  if (responseType === undefined) fail('invalid_request', 'response_type is missing');
  if (responseType !== 'code') fail('unsupported_response_type', 'only response_type=code is supported');

  // 3. PKCE (RFC 7636 §4.3, §4.4.1): S256 only; required for public clients (RFC 9700 §2.1.1).
  const challenge = one('code_challenge');
  const method = one('code_challenge_method');
  if (method !== undefined && method !== PKCE_METHOD) {
    fail('invalid_request', 'code_challenge_method must be S256');
  }
  if (challenge === undefined && method !== undefined) {
    fail('invalid_request', 'code_challenge_method was sent without code_challenge');
  }
  if (challenge !== undefined) {
    // Without a method RFC 7636 §4.3 means `plain`; Salesforce reads it as S256, and jsforce
    // (`useVerifier`) sends no method. We do as Salesforce: a client that meant `plain` fails
    // safely at the token endpoint (its verifier does not hash to the challenge).
    if (!isS256Challenge(challenge)) {
      fail('invalid_request', 'code_challenge must be 43 base64url characters (S256)');
    }
  } else if (await isPublicClient(stores, app)) {
    fail('invalid_request', 'code_challenge is required for this client (PKCE, RFC 7636)');
  }

  // 4. Scopes (RFC 6749 §3.3): within the app's; all of them when none are named.
  let scopes: string[] = [];
  try {
    scopes = narrowScopes(parseScopeParam(one('scope')), app.scopes);
  } catch (err) {
    if (!isOAuthError(err)) throw err;
    fail('invalid_scope', err.description);
  }

  const prompt = (one('prompt') ?? '').split(' ');
  return {
    app,
    redirectUri,
    state,
    scopes,
    codeChallenge: challenge ?? null,
    forceConsent: prompt.includes('consent'),
    query,
  };
}
