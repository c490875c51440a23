/**
 * Strict parsing of a JWT in JWS Compact Serialization (RFC 7519 §7.2,
 * RFC 7515 §7.1), before any key is chosen or any signature checked.
 * Nothing here is trusted yet; it only decides whether the bytes are a
 * well-formed JWS worth verifying.
 */
import { decodeCanonical } from './base64url.ts';
import { parseJsonObject } from './strict_json.ts';

/** Larger assertions are refused unread (security catalogue J18). */
export const MAX_ASSERTION_LENGTH = 16 * 1024;

export interface ParsedCompact {
  header: Record<string, unknown>;
  /** The claims set, unverified until signature.ts says otherwise. */
  payload: Record<string, unknown>;
  /** ASCII(BASE64URL(header) || '.' || BASE64URL(payload)): what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/**
 * Splits and decodes a compact JWS. Refused, with the reason for the log:
 * anything but exactly three canonical base64url segments, a header or payload
 * that is not a JSON object with unique member names, an empty signature
 * (J16: `h.p.`). Five segments (JWE) and the JSON serializations are not JWTs
 * we accept (J19).
 */
export function parseCompact(
  jwt: string,
): { ok: true; value: ParsedCompact } | { ok: false; reason: string } {
  if (jwt.length === 0 || jwt.length > MAX_ASSERTION_LENGTH)
    return { ok: false, reason: 'empty or too long' };
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, reason: `${parts.length} segments, not 3` };
  const [h, p, s] = parts as [string, string, string];
  const headerBytes = decodeCanonical(h);
  const payloadBytes = decodeCanonical(p);
  const signature = decodeCanonical(s);
  if (!headerBytes || !payloadBytes || !signature) return { ok: false, reason: 'not canonical base64url' };
  if (signature.length === 0) return { ok: false, reason: 'empty signature' };
  const header = parseJsonObject(headerBytes);
  const payload = parseJsonObject(payloadBytes);
  if (!header || !payload) {
    return { ok: false, reason: 'header or payload is not a UTF-8 JSON object with unique member names' };
  }
  return { ok: true, value: { header, payload, signingInput: `${h}.${p}`, signature } };
}

/**
 * The `iss` of an unverified assertion, only to find whose keys to verify it
 * with (security catalogue §3, step 4). undefined when the JWT is malformed or
 * has no string `iss`. Never use the value for anything else.
 */
export function peekIssuer(jwt: string): string | undefined {
  const parsed = parseCompact(jwt);
  const iss = parsed.ok ? parsed.value.payload.iss : undefined;
  return typeof iss === 'string' && iss.length > 0 && iss.length <= 256 ? iss : undefined;
}
