/** Every failure of the SAML bearer verifier is `invalid_grant` (RFC 7522 §3.1). */
import { OAuthError } from '../errors.ts';

/** `description` goes to the client and the audit; `detail` only to the log. */
export function invalidAssertion(description: string, detail?: string): OAuthError {
  return new OAuthError('invalid_grant', description, detail === undefined ? {} : { detail });
}

/**
 * A library's error message, cut before anything that could quote the input
 * (an element, an attribute value, a digest): assertions are never logged.
 */
export function safeMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split(/[<"'&]/, 1)[0]!.slice(0, 120);
}

/** An attacker-chosen name or URI quoted in a description, kept short. */
export function quoted(s: string | null | undefined, max = 100): string {
  const v = s ?? '';
  return v.length > max ? `${v.slice(0, max)}…` : v;
}
