/**
 * Single-use keys for assertions (RFC 7523 §3 item 7, RFC 7521 §8.2; OIDC Core
 * §9 for client assertions). The key goes to `ReplayStore.consume`, one
 * atomic insert that fails on conflict, kept until `exp` plus the clock skew.
 *
 * - With a `jti`: the pair (iss, jti), so two apps may reuse each other's jti values.
 * - Without one: the SHA-256 of the signing input (`header.payload`), never of
 *   the whole string. The signature segment is not unique for the same signed
 *   content: an ECDSA signature (r, s) can be re-formed as (r, n − s) without
 *   the key, and (were it not refused) base64url has non-canonical spellings.
 *   The signing input cannot change without breaking the signature.
 *
 * Parts are joined as a JSON array, so no iss/jti split is ambiguous (an `iss`
 * may contain any character), and prefixed by a namespace per purpose.
 */
import { createHash } from 'node:crypto';

/** One namespace per kind of single-use assertion, so their keys never collide. */
export type ReplayNamespace = 'jwt-bearer' | 'private-key-jwt';

export function replayKey(
  ns: ReplayNamespace,
  iss: string,
  jti: string | undefined,
  signingInput: string,
): string {
  const parts = jti === undefined ? [ns, 'signing-input', sha256(signingInput)] : [ns, 'jti', iss, jti];
  return sha256(JSON.stringify(parts));
}

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}
