/**
 * Discovery (RFC 8414, OpenID Connect Discovery) and the JWKS. Lists only what
 * is actually supported: grant types come from the grant registry.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { ASSERTION_ALGORITHMS } from '../oauth/assertions/keys.ts';
import { grants } from '../oauth/grants/index.ts';
import { KNOWN_SCOPES } from '../oauth/scopes.ts';

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

export function metadata(ctx: ServerContext): Record<string, unknown> {
  const base = ctx.settings.issuer;
  return {
    issuer: base,
    token_endpoint: `${base}/services/oauth2/token`,
    revocation_endpoint: `${base}/services/oauth2/revoke`,
    introspection_endpoint: `${base}/services/oauth2/introspect`,
    userinfo_endpoint: `${base}/services/oauth2/userinfo`,
    jwks_uri: `${base}/id/keys`,
    grant_types_supported: [...grants.keys()],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    // RFC 8414 §2: required once private_key_jwt is listed for an endpoint.
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    introspection_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    scopes_supported: [...KNOWN_SCOPES],
    subject_types_supported: ['public'],
    claims_supported: ['sub', 'user_id', 'organization_id', 'preferred_username', 'name', 'email'],
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
