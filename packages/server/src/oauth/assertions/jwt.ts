/**
 * The JWT assertion verifier (RFC 7523 §3) for both uses:
 * - `grant`: the jwt-bearer authorization grant (RFC 7523 §2.1);
 * - `client`: private_key_jwt client authentication (RFC 7523 §2.2).
 *
 * Pure: the assertion, the app's registered certificates, the accepted
 * audiences, the policy and the clock go in; the verified claims and a replay
 * key come out, or an OAuthError is thrown. It never touches the store: the
 * caller records the replay key (ReplayStore.consume) and looks up the user.
 *
 * Order (security catalogue §3): size → strict compact parse → header rules →
 * registered keys for the app → signature (jose, with an explicit algorithm
 * allow-list that fits the key) → claims. Nothing of the payload is used
 * before the signature verifies, except `iss` to find the app (peekIssuer).
 */
import { compactVerify } from 'jose';
import { type CheckedClaims, checkClaims } from './claims.ts';
import { parseCompact } from './compact.ts';
import { assertionError } from './errors.ts';
import { type AssertionPurpose, checkHeader } from './header.ts';
import { type RegisteredCertificate, selectKeys } from './keys.ts';
import { type ReplayNamespace, replayKey } from './replay.ts';

export interface JwtAssertionInput {
  purpose: AssertionPurpose;
  /** The compact JWS exactly as received. */
  assertion: string;
  /** The client id of the app the caller looked up from `iss`. */
  clientId: string;
  /** Certificates registered for that app (several during rotation). */
  certificates: readonly RegisteredCertificate[];
  audiences: readonly string[];
  audienceMode: 'any' | 'sole';
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
  /** Epoch milliseconds. */
  now: number;
  /**
   * Called with the claims set once the signature has verified, before the
   * claim rules run: lets the caller attribute a later refusal (expired, wrong
   * aud …) to the signed `sub` in its audit trail.
   */
  onSignatureVerified?: (payload: Readonly<Record<string, unknown>>) => void;
}

export interface VerifiedAssertion {
  claims: CheckedClaims;
  /** The whole verified claims set, additional claims included. */
  payload: Record<string, unknown>;
  /** Pass to ReplayStore.consume with `expiresAt`. */
  replayKey: string;
  /** Until when the replay key must be kept: exp plus the clock skew (epoch ms). */
  expiresAt: number;
}

const NAMESPACE: Record<AssertionPurpose, ReplayNamespace> = {
  grant: 'jwt-bearer',
  client: 'private-key-jwt',
};

/** Verifies a JWT assertion; throws `invalid_grant` (grant) or `invalid_client` (client). */
export async function verifyJwtAssertion(input: JwtAssertionInput): Promise<VerifiedAssertion> {
  const { purpose } = input;
  const compact = parseCompact(input.assertion);
  if (!compact.ok) throw assertionError(purpose, 'malformed', compact.reason);
  const parsed = compact.value;
  const header = checkHeader(parsed.header, purpose);
  if (!header.ok) throw assertionError(purpose, 'header', header.reason);
  const { candidates, reason } = selectKeys(input.certificates, header.hints, input.now);
  if (candidates.length === 0) throw assertionError(purpose, 'key', reason ?? 'no key');

  // RFC 7523 §3 item 9: a valid signature by one of the app's own keys. Each
  // candidate is tried with only the header's alg, which fits its key type.
  let verified = false;
  for (const k of candidates) {
    try {
      await compactVerify(input.assertion, k.key, { algorithms: [header.hints.alg] });
      verified = true;
      break;
    } catch {
      // Try the next registered certificate (rotation).
    }
  }
  // From here on parsed.payload is trusted: jose verified exactly these bytes.
  if (!verified) throw assertionError(purpose, 'signature', 'signature does not verify with any key');
  input.onSignatureVerified?.(parsed.payload);

  const claims = checkClaims(parsed.payload, {
    purpose,
    issuer: input.clientId,
    audiences: input.audiences,
    audienceMode: input.audienceMode,
    maxLifetimeSeconds: input.maxLifetimeSeconds,
    clockSkewSeconds: input.clockSkewSeconds,
    now: input.now,
  });
  return {
    claims,
    payload: parsed.payload,
    replayKey: replayKey(NAMESPACE[purpose], claims.iss, claims.jti, parsed.signingInput),
    expiresAt: claims.expiresAt + input.clockSkewSeconds * 1000,
  };
}
