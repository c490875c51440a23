/** Every failure of the SAML bearer verifier is `invalid_grant` (RFC 7522 §3.1). */
import { OAuthError } from '../errors.ts';

/** `description` goes to the client and the audit; `detail` only to the log. */
export function invalidAssertion(description: string, detail?: string): OAuthError {
  return new OAuthError('invalid_grant', description, detail === undefined ? {} : { detail });
}
