/**
 * Canonical base64url (RFC 7515 §2, RFC 4648 §5, no padding).
 *
 * A JWS segment has exactly one canonical encoding. Decoders commonly accept
 * others: a final character whose unused low bits are not zero, or `=` padding.
 * Those variants decode to the same bytes, so an attacker without the key can
 * make a "new" assertion out of an old one. We refuse every non-canonical form
 * (security catalogue J17), which also makes the signing input a stable
 * replay key (see replay.ts).
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * The bytes of a canonical base64url string, or null when `s` is not one:
 * characters outside the URL-safe alphabet, padding, whitespace, an impossible
 * length (4n+1), or non-zero padding bits.
 *
 * @example decodeCanonical('YQ') // Buffer <61>; decodeCanonical('YR') === null
 */
export function decodeCanonical(s: string): Buffer | null {
  if (!ALPHABET.test(s) || s.length % 4 === 1) return null;
  const bytes = Buffer.from(s, 'base64url');
  // Re-encoding gives the one canonical form; anything else was a variant.
  return bytes.toString('base64url') === s ? bytes : null;
}

/** True when every character is from the base64url alphabet and the encoding is canonical. */
export function isCanonical(s: string): boolean {
  return decodeCanonical(s) !== null;
}
