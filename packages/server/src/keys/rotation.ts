/**
 * Signing-key rotation without downtime (docs/operations.md, "Signing keys"):
 *
 *   t0            rotate: key B is stored with activatesAt = t0 + overlap. Every process
 *                 publishes B at its next reload (≤ S2S_KEY_RELOAD_SECONDS); A still signs.
 *   t0 + overlap  B signs. A stays published, so tokens A signed keep verifying.
 *   t0 + overlap + retireAfter
 *                 A's retiredAt (set at rotation): A leaves the JWKS. retireAfter defaults
 *                 to the longest access-token lifetime (24 h) plus the JWKS cache time and
 *                 a margin, so no token A signed is still valid when A goes.
 *
 * The schedule is written once, at rotation, as plain times in the store: every process
 * computes the same states from the same rows (key_state.ts) with no coordinator, and a
 * process that restarts mid-rotation picks up where the schedule stands.
 */
import type { SigningKey } from '../domain/types.ts';
import type { SigningKeyStore, StoredSigningKey } from '../store/interfaces.ts';
import { generateSigningKey } from './generate.ts';
import { activationTime } from './key_state.ts';

export interface RotationPolicy {
  /** From a new key's creation (published) to its first signature. */
  overlapMs: number;
  /** From a new key's activation to the retirement of the keys it replaces. */
  retireAfterMs: number;
}

/** The longest access-token lifetime an app may set (services/apps.ts: accessToken.ttlSeconds). */
export const LONGEST_TOKEN_LIFETIME_SECONDS = 86_400;

export const DEFAULT_ROTATION: RotationPolicy = {
  overlapMs: 3_600_000,
  retireAfterMs: (LONGEST_TOKEN_LIFETIME_SECONDS + 3_600) * 1000,
};

export interface RotateInput {
  alg: SigningKey['alg'];
  overlapMs: number;
  retireAfterMs: number;
  /** Turns the new key into its stored form (encryption at rest). */
  seal(k: StoredSigningKey): StoredSigningKey;
}

/**
 * Stores the next key and schedules the retirement of every key not yet scheduled. Returns
 * the new key. Concurrent rotations each add a key; the one activating last signs last.
 */
export async function rotateSigningKey(
  store: SigningKeyStore,
  now: number,
  input: RotateInput,
): Promise<StoredSigningKey> {
  const before = await store.list();
  const key: StoredSigningKey = { ...generateSigningKey(input.alg, now), activatesAt: now + input.overlapMs };
  await store.insert(input.seal(key));
  const retireAt = activationTime(key) + input.retireAfterMs;
  for (const k of before) {
    // Only keys with no date yet: a key already leaving keeps its (earlier) date, which
    // still covers every token it signed, since it stopped signing when its successor began.
    if (k.retiredAt === null) await store.retire(k.kid, retireAt);
  }
  return key;
}
