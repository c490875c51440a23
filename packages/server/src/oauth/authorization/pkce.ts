/**
 * PKCE (RFC 7636) with the S256 method only: `plain` gives no protection against a code
 * intercepted together with the request (RFC 9700 §2.1.1), so it is not offered.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const PKCE_METHOD = 'S256';

/** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is always 43 characters without padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/**
 * RFC 7636 §4.1: code-verifier = 43*128 unreserved characters. Longer ones are accepted up to
 * 256: jsforce 3 (`useVerifier: true`) sends 171 characters (128 random bytes, base64url),
 * and Salesforce takes them; more entropy weakens nothing.
 */
const VERIFIER = /^[A-Za-z0-9._~-]{43,256}$/;

export function isS256Challenge(challenge: string): boolean {
  return S256_CHALLENGE.test(challenge);
}

export function isCodeVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** RFC 7636 §4.6: the verifier's S256 transform must equal the stored challenge. */
export function verifyS256(verifier: string, challenge: string): boolean {
  if (!isCodeVerifier(verifier) || !isS256Challenge(challenge)) return false;
  return timingSafeEqual(Buffer.from(s256(verifier)), Buffer.from(challenge));
}
