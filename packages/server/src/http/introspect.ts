/**
 * POST /services/oauth2/introspect (RFC 7662). The caller must authenticate
 * (§2.1); an app may introspect its own tokens only. Anything not active, or not
 * the caller's, is `{"active":false}` (§2.2) — never an error that tells them apart.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { identityUrl } from '../context.ts';
import { authenticateClient, readClientCredentials } from '../oauth/client_auth.ts';
import { OAuthError } from '../oauth/errors.ts';
import { required } from '../oauth/params.ts';
import { checkLive, findAccessTokenRecord } from '../oauth/tokens/access_token.ts';
import { introspectRefreshToken } from '../oauth/tokens/refresh_introspection.ts';
import { findRefreshToken } from '../oauth/tokens/refresh_token.ts';
import { formParams } from './form.ts';

export function introspectionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/services/oauth2/introspect', async (req, reply) => {
    const params = formParams(req);
    const client = await authenticateClient(ctx, readClientCredentials(params, req.headers.authorization));
    if (!client) throw new OAuthError('invalid_client', 'client authentication is required');
    const token = required(params, 'token');
    reply.header('cache-control', 'no-store');
    const record = await findAccessTokenRecord(ctx, token);
    if (!record) {
      // token_type_hint is only a hint (§2.1): a refresh token is looked up too.
      const refresh = await findRefreshToken(ctx, token);
      return refresh ? introspectRefreshToken(ctx, client.app, refresh) : { active: false };
    }
    if (record.appId !== client.app.id) return { active: false };
    const live = await checkLive(ctx, record);
    if (!live.ok) return { active: false };
    const iat = Math.floor(record.issuedAt / 1000);
    return {
      active: true,
      scope: record.scopes.join(' '),
      client_id: live.app.clientId,
      username: live.user.username,
      sub: identityUrl(ctx.settings, ctx.orgId, live.user.id),
      user_id: live.user.id,
      token_type: 'access_token',
      exp: Math.floor(record.expiresAt / 1000),
      iat,
      nbf: iat,
      iss: ctx.settings.issuer,
      ...(record.ext ? { ext: record.ext } : {}),
    };
  });
}
