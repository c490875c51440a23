/**
 * The one contract every grant type implements (see docs/architecture.md,
 * "Adding a grant type"). The token endpoint authenticates the client, picks the
 * grant by `grant_type`, strips undeclared parameters, and calls `handle`.
 */
import type { ServerContext } from '../../context.ts';
import type { App, User } from '../../domain/types.ts';
import type { AuthenticatedClient } from '../client_auth.ts';
import type { Params } from '../params.ts';
import type { IssuedAccessToken } from '../tokens/access_token.ts';

export interface GrantRequest {
  /** Only the parameters the grant declared (plus grant_type and scope). */
  params: Params;
  /** The authenticated client, or null when the request carried no client credentials. */
  client: AuthenticatedClient | null;
  /** Filled in as the grant learns who is asking, for the audit trail of failures too. */
  audit: { clientId?: string; userId?: string; username?: string };
  /** The caller's address, for audit events the grant writes itself (refresh-token reuse). */
  sourceIp?: string | null;
}

export interface GrantResult {
  app: App;
  user: User;
  scopes: string[];
  /** Additional assertion claims carried with the token (`ext`). */
  ext?: Record<string, unknown> | null;
  /** When the grant issues one (authorization_code, refresh_token). */
  refreshToken?: string;
  /** The refresh family the access token belongs to (revoked with it, RFC 7009 §2.1). */
  familyId?: string;
  /**
   * An access token the grant already minted and stored (refresh_token: in the rotation's
   * transaction, or the same one again for a retry in the grace window). When absent, the
   * token endpoint issues one.
   */
  accessToken?: IssuedAccessToken;
}

export interface Grant {
  /** The `grant_type` value on the wire. */
  readonly grantType: string;
  /** Parameters this grant reads, besides grant_type, scope and the client-auth ones. */
  readonly parameters: readonly string[];
  /**
   * `required`: the client must authenticate (RFC 6749 §4.4.2 for client_credentials);
   * `optional`: the grant authenticates the app itself (RFC 7523 §2.1, RFC 7522 §2.1),
   * but credentials that are sent must be right.
   */
  readonly clientAuthentication: 'required' | 'optional';
  handle(ctx: ServerContext, req: GrantRequest): Promise<GrantResult>;
}
