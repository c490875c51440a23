/**
 * Steps the assertion grants share once their assertion is verified (JWT
 * bearer, RFC 7523 §2.1; SAML bearer, RFC 7522 §2.1). Kept here so both apply
 * the same rule in the same words.
 */
import type { App } from '../../domain/types.ts';
import { OAuthError } from '../errors.ts';
import type { GrantRequest } from './grant.ts';

/**
 * The assertion authenticates its app, so client credentials are optional; when
 * the request names a client anyway (authenticated, or a bare `client_id`), it
 * must be that app (RFC 7521 §4.1; RFC 6749 §5.2: a grant issued to another
 * client is invalid_grant).
 */
export function requireSameClient(req: GrantRequest, app: App): void {
  const named = req.client?.app.clientId ?? req.params.get('client_id');
  if (named !== undefined && named !== app.clientId) {
    throw new OAuthError('invalid_grant', 'the assertion was issued to another client');
  }
}
