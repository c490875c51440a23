/**
 * Claim rules for a verified assertion (RFC 7523 §3 items 1–7, RFC 7519 §4.1),
 * pure: the clock is an argument. Strings are compared code point by code
 * point, without case folding or normalisation (RFC 7519 §7.3, RFC 3986 §6.2.1).
 */
import { type AssertionFailure, assertionError } from './errors.ts';
import type { AssertionPurpose } from './header.ts';

/** The claims defined by RFC 7519 §4.1 that we read; everything else is "additional". */
export const REGISTERED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
]);

/**
 * An `exp` above this can only be milliseconds (10^11 s is the year 5138):
 * the Salesforce CLI signs `exp: Date.now() + 300` (clients.md §2.1).
 */
export const EXP_MILLISECONDS_THRESHOLD = 1e11;

export interface ClaimRules {
  purpose: AssertionPurpose;
  /** The app's client id: `iss` must equal it (item 1). */
  issuer: string;
  /** Accepted `aud` values (item 3). */
  audiences: readonly string[];
  /** `any`: a string or an array with at least one accepted member (RFC 7519 §4.1.3).
   *  `sole`: one accepted value, alone (draft-ietf-oauth-rfc7523bis §4, for client auth). */
  audienceMode: 'any' | 'sole';
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
  /** Epoch milliseconds. */
  now: number;
}

export interface CheckedClaims {
  iss: string;
  sub: string;
  jti: string | undefined;
  /** `exp` in epoch milliseconds, whichever unit it was sent in. */
  expiresAt: number;
}

/** Checks the registered claims; throws the purpose's OAuthError on the first broken rule. */
export function checkClaims(payload: Record<string, unknown>, r: ClaimRules): CheckedClaims {
  const fail = (f: AssertionFailure, detail: string, description?: string) =>
    assertionError(r.purpose, f, detail, description);
  const skew = r.clockSkewSeconds * 1000;
  const { iss, sub, aud, exp, nbf, iat, jti } = payload;

  // Item 1: iss names the app whose key verified the signature (RFC 8725 §3.8).
  if (iss !== r.issuer) throw fail('claims', 'iss does not name the app');
  // Item 2: sub is the user (grant) or, for client authentication, the client id itself.
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) throw fail('claims', 'sub is missing');
  if (r.purpose === 'client' && sub !== r.issuer) throw fail('claims', 'sub must equal iss');
  // Item 3.
  checkAudience(aud, r);
  // Item 7: optional for a grant; required and single-use for client authentication (OIDC Core §9).
  if (jti !== undefined && (typeof jti !== 'string' || jti.length === 0 || jti.length > 1024)) {
    throw fail('claims', 'jti must be a non-empty string');
  }
  if (r.purpose === 'client' && jti === undefined) throw fail('claims', 'jti is required');

  // Item 4: exp is required; NumericDate is a finite number (RFC 7519 §2).
  if (!isNumericDate(exp)) throw fail('claims', 'exp is missing or not a number');
  const expiresAt = exp > EXP_MILLISECONDS_THRESHOLD ? exp : exp * 1000;
  if (r.now >= expiresAt + skew) throw fail('expired', 'exp is in the past');
  // Item 5.
  if (nbf !== undefined) {
    if (!isNumericDate(nbf)) throw fail('claims', 'nbf is not a number');
    if (nbf * 1000 > r.now + skew) throw fail('not_yet_valid', 'nbf is in the future');
  }
  // Item 6, and the lifetime cap (RFC 7523 §3 item 4 "MAY reject … unreasonably far in the future"):
  // measured from iat when present (both ends on the signer's clock), else from our now plus skew.
  let lifetime: number;
  if (iat !== undefined) {
    if (!isNumericDate(iat)) throw fail('claims', 'iat is not a number');
    if (iat * 1000 > r.now + skew) throw fail('issued_in_future', 'iat is in the future');
    lifetime = expiresAt - iat * 1000;
  } else {
    lifetime = expiresAt - r.now - skew;
  }
  if (lifetime > r.maxLifetimeSeconds * 1000) {
    throw fail(
      'lifetime',
      `exp is ${Math.round(lifetime / 1000)} s after ${iat === undefined ? 'now' : 'iat'}`,
      `${r.purpose === 'client' ? 'client ' : ''}assertion lifetime exceeds ${r.maxLifetimeSeconds} seconds (exp - iat, or exp - now)`,
    );
  }
  return { iss: r.issuer, sub, jti: jti as string | undefined, expiresAt };
}

function checkAudience(aud: unknown, r: ClaimRules): void {
  const accepted = (v: unknown) => typeof v === 'string' && r.audiences.includes(v);
  let ok: boolean;
  if (r.audienceMode === 'sole') {
    // A single-member array is allowed (rfc7523bis history, catalogue J13); two values never.
    ok = accepted(aud) || (Array.isArray(aud) && aud.length === 1 && accepted(aud[0]));
  } else {
    ok =
      accepted(aud) ||
      (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string') && aud.some(accepted));
  }
  if (!ok) {
    throw assertionError(r.purpose, 'audience', aud === undefined ? 'aud is missing' : 'aud is not accepted');
  }
}

function isNumericDate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
