/**
 * Discovery (RFC 8414, OpenID Connect Discovery) and the JWKS. Lists only what
 * is actually supported: grant types come from the grant registry, and
 * test/metadata.test.ts calls every advertised endpoint.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { ASSERTION_ALGORITHMS } from '../oauth/assertions/keys.ts';
import { grants } from '../oauth/grants/index.ts';
import { KNOWN_SCOPES } from '../oauth/scopes.ts';

/**
 * Client authentication methods (RFC 8414 §2), listed for the token,
 * revocation and introspection endpoints alike: extend this one list.
 */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** The claims userinfo can return (resource/profile.ts), standard ones first. */
const USERINFO_CLAIMS = [
  'sub',
  'name',
  'given_name',
  'family_name',
  'nickname',
  'preferred_username',
  'email',
  'email_verified',
  'zoneinfo',
  'locale',
  'updated_at',
  'user_id',
  'organization_id',
];

export function metadata(ctx: ServerContext): Record<string, unknown> {
  const base = ctx.settings.issuer;
  return {
    issuer: base,
    authorization_endpoint: `${base}/services/oauth2/authorize`,
    token_endpoint: `${base}/services/oauth2/token`,
    revocation_endpoint: `${base}/services/oauth2/revoke`,
    introspection_endpoint: `${base}/services/oauth2/introspect`,
    userinfo_endpoint: `${base}/services/oauth2/userinfo`,
    jwks_uri: `${base}/id/keys`,
    grant_types_supported: [...grants.keys()],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    // RFC 7636: S256 only (plain is refused, RFC 9700 §2.1.1).
    code_challenge_methods_supported: ['S256'],
    // RFC 9207: authorization responses carry `iss`.
    authorization_response_iss_parameter_supported: true,
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    // RFC 8414 §2: required once private_key_jwt is listed for an endpoint.
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    introspection_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    scopes_supported: [...KNOWN_SCOPES],
    subject_types_supported: ['public'],
    claims_supported: USERINFO_CLAIMS,
  };
}

export function metadataRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const send = async () => metadata(ctx);
  app.get('/.well-known/openid-configuration', send);
  app.get('/.well-known/oauth-authorization-server', send);
  app.get('/id/keys', async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return ctx.keys.jwks();
  });
}
