/**
 * Why an assertion was refused, and how each reason reaches the wire.
 *
 * - As an authorization grant (RFC 7523 §3.1, RFC 7521 §4.1.1): 400
 *   `invalid_grant`, with Salesforce's descriptions where Salesforce has one
 *   (salesforce-flows.md §1): `invalid assertion`, `audience is invalid`,
 *   `expired authorization code`, `jti already in use`.
 * - As client authentication (RFC 7523 §3.2, RFC 7521 §4.2.1): 401
 *   `invalid_client`.
 *
 * The precise reason goes in `detail`: logged, never sent.
 */
import { OAuthError } from '../errors.ts';
import type { AssertionPurpose } from './header.ts';

export type AssertionFailure =
  | 'malformed'
  | 'header'
  | 'key'
  | 'signature'
  | 'claims'
  | 'audience'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'lifetime'
  | 'replay';

const GRANT: Record<AssertionFailure, string> = {
  malformed: 'invalid assertion',
  header: 'invalid assertion',
  key: 'invalid assertion',
  signature: 'invalid assertion',
  claims: 'invalid assertion',
  audience: 'audience is invalid',
  expired: 'expired authorization code',
  not_yet_valid: 'assertion is not yet valid (nbf)',
  issued_in_future: 'assertion is issued in the future (iat)',
  lifetime: 'assertion lifetime is too long',
  replay: 'jti already in use',
};

const CLIENT: Record<AssertionFailure, string> = {
  malformed: 'client assertion is invalid',
  header: 'client assertion is invalid',
  key: 'client assertion is invalid',
  signature: 'client assertion is invalid',
  claims: 'client assertion is invalid',
  audience: 'client assertion audience must be the issuer identifier',
  expired: 'client assertion has expired',
  not_yet_valid: 'client assertion is not yet valid (nbf)',
  issued_in_future: 'client assertion is issued in the future (iat)',
  lifetime: 'client assertion lifetime is too long',
  replay: 'client assertion jti already in use',
};

/** The OAuthError for a refused assertion; `description` overrides the default text. */
export function assertionError(
  purpose: AssertionPurpose,
  failure: AssertionFailure,
  detail: string,
  description?: string,
): OAuthError {
  if (purpose === 'grant') {
    return new OAuthError('invalid_grant', description ?? GRANT[failure], { detail });
  }
  return new OAuthError('invalid_client', description ?? CLIENT[failure], { detail });
}
