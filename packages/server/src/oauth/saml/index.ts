/**
 * The SAML 2.0 bearer assertion verifier (RFC 7522), pure: no store, no HTTP.
 *
 *   const u = readUntrustedAssertion(param);          // decode, hardened parse, structure
 *   …find the app by u.issuer, load its certificates…
 *   const a = verifySamlAssertion(u, { certificates, … });  // signature, then the signed copy
 *
 * Every failure is an OAuthError('invalid_grant', …). Assertions are never logged.
 */
import type { AlgorithmPolicy } from './algorithms.ts';
import { type ClaimsOptions, readSignedAssertion, type VerifiedSamlAssertion } from './assertion.ts';
import type { UntrustedSamlAssertion } from './envelope.ts';
import { checkSignatureShape, verifySignature } from './signature.ts';

export type { VerifiedSamlAssertion } from './assertion.ts';
export type { SamlAttributeValue } from './attributes.ts';
export { readUntrustedAssertion, type UntrustedSamlAssertion } from './envelope.ts';

export interface SamlVerifyOptions extends AlgorithmPolicy, Omit<ClaimsOptions, 'clock'> {
  /** PEM certificates registered for the app named by the Issuer. */
  certificates: readonly string[];
  /** Epoch milliseconds. */
  now: number;
  clockSkewSeconds: number;
}

export function verifySamlAssertion(u: UntrustedSamlAssertion, o: SamlVerifyOptions): VerifiedSamlAssertion {
  const signature = checkSignatureShape(u.root, u.id, o);
  const signedXml = verifySignature(u.text, signature, u.id, o.certificates, o);
  return readSignedAssertion(signedXml, u, {
    audiences: o.audiences,
    recipient: o.recipient,
    maxLifetimeSeconds: o.maxLifetimeSeconds,
    clock: { now: o.now, skewMs: o.clockSkewSeconds * 1000 },
  });
}
export { samlReplayKey } from './replay.ts';
