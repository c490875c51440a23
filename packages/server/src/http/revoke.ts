/**
 * POST /services/oauth2/revoke (RFC 7009).
 * Client credentials, when sent, must be right, and then only that client's
 * tokens are revoked (§2.1). Without credentials the holder of a token may
 * revoke it, as Salesforce allows: possession already grants its full use, and
 * revoking only takes power away. Unknown or invalid tokens answer 200 (§2.2).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { authenticateClient, readClientCredentials } from '../oauth/client_auth.ts';
import { OAuthError } from '../oauth/errors.ts';
import { required } from '../oauth/params.ts';
import { findAccessTokenRecord, revokeAccessToken } from '../oauth/tokens/access_token.ts';
import { findRefreshToken, revokeRefreshFamily } from '../oauth/tokens/refresh_token.ts';
import { formParams } from './form.ts';

export function revocationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/services/oauth2/revoke', async (req, reply) => {
    const params = formParams(req);
    const client = await authenticateClient(ctx, readClientCredentials(params, req.headers.authorization));
    const token = required(params, 'token');
    const record = await findAccessTokenRecord(ctx, token);
    if (record) {
      if (client && client.app.id !== record.appId) {
        throw new OAuthError('unauthorized_client', 'the token was not issued to this client');
      }
      // A recorded token in its row; a stateless JWT in the revocation list (access_token.ts).
      await revokeAccessToken(ctx, record);
    } else {
      // A refresh token (token_type_hint is only a hint, §2.1): revoke its whole family,
      // and with it the access tokens issued from it (§2.1 SHOULD; Salesforce does).
      const refresh = await findRefreshToken(ctx, token);
      if (refresh) {
        if (client && client.app.id !== refresh.family.appId) {
          throw new OAuthError('unauthorized_client', 'the token was not issued to this client');
        }
        await revokeRefreshFamily(ctx, refresh.family.id);
      }
    }
    reply.header('cache-control', 'no-store');
    return reply.code(200).send();
  });
}
