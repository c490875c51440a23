/**
 * The identity endpoints (salesforce-flows.md §6.3, §6.4), for a token with an
 * identity scope (scopes.ts):
 * - `GET|POST /services/oauth2/userinfo` — the token's own user (OpenID Connect
 *   Core §5.3.1 allows POST, which is also where RFC 6750 §2.2's form-body token fits);
 * - `GET /id/{orgId}/{userId}` — Salesforce's identity URL. Another user than
 *   the token's is 403 (Salesforce restricts it; we never allow it); another
 *   org is 404. Ids match in their 18- or 15-character form.
 * Both take Salesforce's `oauth_token` query parameter and `format=json`; the
 * identity URL also takes `version` (a number or `latest`) to fill the
 * `{version}` templates in `urls`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.ts';
import { authenticate, type Caller, queryOf } from './bearer.ts';
import { forbidden, notAcceptable, notFound } from './errors.ts';
import { identityDocument, userinfoDocument } from './profile.ts';
import { sendJson } from './reply.ts';
import { API_VERSION, isSupportedVersion } from './versions.ts';

function sameId(presented: string, id18: string): boolean {
  return presented === id18 || presented === id18.slice(0, 15);
}

/** Authenticates, then checks the output format: JSON is the only one served. */
async function caller(
  ctx: ServerContext,
  req: FastifyRequest,
): Promise<{ caller: Caller; query: URLSearchParams }> {
  const c = await authenticate(ctx, req, 'identity', { oauthTokenQuery: true });
  const query = queryOf(req);
  const format = query.get('format');
  if (format !== null && format.toLowerCase() !== 'json') {
    throw notAcceptable('Only format=json is supported');
  }
  return { caller: c, query };
}

/** The `version` parameter of the identity URL: undefined keeps the `{version}` templates. */
function requestedVersion(query: URLSearchParams): string | undefined {
  const v = query.get('version');
  if (v === null || v === '') return undefined;
  if (v === 'latest') return API_VERSION;
  if (isSupportedVersion(v)) return v;
  throw notFound();
}

export function identityRoutes(ctx: ServerContext) {
  return async (scope: FastifyInstance): Promise<void> => {
    const userinfo = async (req: FastifyRequest, reply: FastifyReply) => {
      const { caller: c } = await caller(ctx, req);
      return sendJson(reply, 200, userinfoDocument(ctx, c.user));
    };
    scope.get('/services/oauth2/userinfo', userinfo);
    scope.post('/services/oauth2/userinfo', userinfo);

    scope.get<{ Params: { orgId: string; userId: string } }>('/id/:orgId/:userId', async (req, reply) => {
      const { caller: c, query } = await caller(ctx, req);
      if (!sameId(req.params.orgId, ctx.orgId)) throw notFound();
      if (!sameId(req.params.userId, c.user.id)) {
        throw forbidden("This token may only read its own user's identity");
      }
      return sendJson(reply, 200, identityDocument(ctx, c.user, requestedVersion(query)));
    });
  };
}
