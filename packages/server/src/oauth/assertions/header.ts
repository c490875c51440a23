/**
 * JOSE header rules for assertions (RFC 7515 §4.1, RFC 8725 §3.1, §3.10, §3.11).
 * Returns the few header values that select a key, or the reason it is refused.
 */
import { ASSERTION_ALGORITHMS } from './keys.ts';

export type AssertionPurpose = 'grant' | 'client';

export interface KeyHints {
  alg: string;
  kid?: string;
  x5tS256?: string;
  x5t?: string;
}

/** Header members that carry or point at a key: never trusted (catalogue J5, J6; CVE-2018-0114). */
const KEY_CARRYING = ['jwk', 'jku', 'x5c', 'x5u'] as const;

const ALGS: ReadonlySet<string> = new Set(ASSERTION_ALGORITHMS);

/**
 * `typ` values accepted per purpose (RFC 8725 §3.11, §3.12). Media types
 * compare case-insensitively and may omit `application/` (RFC 7515 §4.1.9).
 * A client assertion may say `client-authentication+jwt` (draft-ietf-oauth-
 * rfc7523bis §4); a grant assertion must not, nor may either be an access
 * token (`at+jwt`), a DPoP proof or any other explicitly typed JWT (J24).
 */
const TYP: Record<AssertionPurpose, ReadonlySet<string>> = {
  grant: new Set(['jwt']),
  client: new Set(['jwt', 'client-authentication+jwt']),
};

/** The key-selection hints of an acceptable header, or a reason (for the log) why it is not. */
export function checkHeader(
  header: Record<string, unknown>,
  purpose: AssertionPurpose,
): { ok: true; hints: KeyHints } | { ok: false; reason: string } {
  const { alg, kid, typ, cty } = header;
  // RFC 7518 §3.6 / RFC 8725 §3.1: an allow-list; `none`, `None`, HS256 … are simply not on it.
  if (typeof alg !== 'string' || !ALGS.has(alg)) return { ok: false, reason: 'alg is not allowed' };
  for (const m of KEY_CARRYING) {
    if (m in header) return { ok: false, reason: `header parameter ${m} is not accepted` };
  }
  // RFC 7515 §4.1.11: we understand no extension, so any `crit` (even []) is invalid.
  // `b64` (RFC 7797) only has meaning through `crit`; refuse it outright.
  if ('crit' in header || 'b64' in header) return { ok: false, reason: 'crit/b64 is not supported' };
  // RFC 7519 §5.2: `cty: JWT` means a nested JWT, which we do not accept (J19).
  if (cty !== undefined) return { ok: false, reason: 'cty is not accepted' };
  if (typ !== undefined) {
    const t = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : null;
    if (t === null || !TYP[purpose].has(t)) return { ok: false, reason: 'typ is not accepted' };
  }
  const hints: KeyHints = { alg };
  if (kid !== undefined) {
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256)
      return { ok: false, reason: 'bad kid' };
    hints.kid = kid;
  }
  for (const [name, field] of [
    ['x5t#S256', 'x5tS256'],
    ['x5t', 'x5t'],
  ] as const) {
    const v = header[name];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 64) return { ok: false, reason: `bad ${name}` };
    hints[field] = v;
  }
  return { ok: true, hints };
}
