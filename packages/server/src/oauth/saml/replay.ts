/**
 * The single-use key of a SAML bearer assertion: the pair (Issuer, Assertion ID)
 * (RFC 7522 §3 item 6; SAML core §2.5.1.5 OneTimeUse), kept by
 * `ReplayStore.consume` until the assertion could no longer be accepted.
 * Built like the JWT keys (oauth/assertions/replay.ts): a JSON array, so no
 * issuer/ID split is ambiguous, under its own namespace, hashed to a fixed length.
 */
import { createHash } from 'node:crypto';

export function samlReplayKey(issuer: string, id: string): string {
  return createHash('sha256')
    .update(JSON.stringify(['saml2-bearer', 'id', issuer, id]), 'utf8')
    .digest('hex');
}
