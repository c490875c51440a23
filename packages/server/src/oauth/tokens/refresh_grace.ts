/**
 * The grace window's sealed successor pair (security catalogue §6 item 8(b)): a client
 * that lost the response to a rotation may retry with the retired token for a few
 * seconds and get the very same refresh and access tokens back.
 *
 * The pair must be retrievable, yet tokens are stored only as SHA-256. So it is sealed
 * with AES-256-GCM under a key derived (HKDF-SHA256) from the *retired token's
 * plaintext*, which the server never stores: the database holds the token's SHA-256 and
 * a ciphertext that only a holder of that very token can open. Reading the database
 * does not reveal the successor. The seal is wiped when the successor is used, when the
 * family is revoked, and ignored after `grace_until`.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface GracePair {
  refreshToken: string;
  accessToken: string;
  accessTokenId: string;
  /** The scope parameter of the request that rotated (normalised), or null when none. */
  scope: string | null;
}

const INFO = 's2s-oauth refresh grace v1';

function keyFor(parentToken: string, familyId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', parentToken, familyId, INFO, 32));
}

/** base64url(iv ‖ tag ‖ ciphertext); the family id is bound as additional data. */
export function sealGracePair(parentToken: string, familyId: string, pair: GracePair): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyFor(parentToken, familyId), iv);
  c.setAAD(Buffer.from(familyId, 'utf8'));
  const body = Buffer.concat([c.update(JSON.stringify(pair), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

/** The pair, or null when the seal does not open with this token (or is malformed). */
export function openGracePair(parentToken: string, familyId: string, sealed: string): GracePair | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 29) return null;
    const d = createDecipheriv('aes-256-gcm', keyFor(parentToken, familyId), raw.subarray(0, 12));
    d.setAAD(Buffer.from(familyId, 'utf8'));
    d.setAuthTag(raw.subarray(12, 28));
    const json = Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    const p = JSON.parse(json) as Partial<GracePair>;
    if (
      typeof p.refreshToken !== 'string' ||
      typeof p.accessToken !== 'string' ||
      typeof p.accessTokenId !== 'string' ||
      (p.scope !== null && typeof p.scope !== 'string')
    ) {
      return null;
    }
    return p as GracePair;
  } catch {
    return null;
  }
}
