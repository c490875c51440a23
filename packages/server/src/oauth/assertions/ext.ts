/**
 * Additional claims (RFC 7523 §3 item 8: "other claims MAY be present") kept
 * with the access token as `ext`: returned by introspection and, for JWT
 * access tokens, carried as an `ext` claim. Registered claims are not copied.
 *
 * Limits keep tokens and rows small: at most 20 claims, 4 KiB of JSON.
 * docs/flows/jwt-bearer.md documents both.
 */
import { OAuthError } from '../errors.ts';
import { REGISTERED_CLAIMS } from './claims.ts';

export const EXT_MAX_CLAIMS = 20;
export const EXT_MAX_BYTES = 4096;

/** The additional claims of a verified payload; null when there are none. */
export function extraClaims(payload: Record<string, unknown>): Record<string, unknown> | null {
  const entries = Object.entries(payload).filter(([name]) => !REGISTERED_CLAIMS.has(name));
  if (entries.length === 0) return null;
  if (entries.length > EXT_MAX_CLAIMS) {
    throw new OAuthError('invalid_grant', `assertion has more than ${EXT_MAX_CLAIMS} additional claims`, {
      detail: `${entries.length} additional claims`,
    });
  }
  // Object.fromEntries defines own properties, so a claim named "__proto__" stays data.
  const ext = Object.fromEntries(entries);
  const size = Buffer.byteLength(JSON.stringify(ext), 'utf8');
  if (size > EXT_MAX_BYTES) {
    throw new OAuthError('invalid_grant', `additional claims exceed ${EXT_MAX_BYTES} bytes of JSON`, {
      detail: `${size} bytes`,
    });
  }
  return ext;
}
