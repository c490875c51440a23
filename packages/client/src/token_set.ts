/**
 * A token as the cache keeps it: the access token, when it was obtained and
 * when it expires, and the response it came in. JSON-safe, so shared stores can
 * hold it. The refresh token is kept beside it in the store, never inside.
 */
import type { TokenResponse } from './wire.ts';

export interface TokenSet {
  accessToken: string;
  tokenType: string;
  /** Epoch ms at which the token request was sent (the start of its lifetime, conservatively). */
  obtainedAt: number;
  /** Epoch ms; absent when unknown (then the token is used until the server rejects it). */
  expiresAt?: number;
  /** Salesforce's `instance_url`: the base of the API. */
  instanceUrl?: string;
  scope?: string;
  /** Salesforce's identity URL. */
  id?: string;
  /** The token response, without `refresh_token`. */
  response: Omit<TokenResponse, 'refresh_token'>;
}

/** Builds a TokenSet (minus expiry) from a token response. */
export function tokenSetFrom(resp: TokenResponse, obtainedAt: number): TokenSet {
  const { refresh_token: _rt, ...rest } = resp;
  const t: TokenSet = {
    accessToken: resp.access_token,
    tokenType: resp.token_type,
    obtainedAt,
    response: rest,
  };
  if (typeof resp.instance_url === 'string') t.instanceUrl = resp.instance_url.replace(/\/+$/, '');
  if (typeof resp.scope === 'string') t.scope = resp.scope;
  if (typeof resp.id === 'string') t.id = resp.id;
  return t;
}

/**
 * Is the token still good to send? It must not be within `marginMs` of its
 * expiry; the margin is capped at half the token's lifetime, so a short-lived
 * token is still used for half its life.
 */
export function isFresh(t: TokenSet, now: number, marginMs: number): boolean {
  if (t.expiresAt === undefined) return true;
  const lifetime = Math.max(0, t.expiresAt - t.obtainedAt);
  return now < t.expiresAt - Math.min(marginMs, lifetime / 2);
}
