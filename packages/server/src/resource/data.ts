/**
 * The REST API root, registered under the `/services/data` prefix:
 * - `GET /services/data` — the API versions. Public, as in Salesforce
 *   (clients.md §5): any credentials sent are not looked at.
 * - `GET /services/data/v{version}[/]` — the resources of a version, for a
 *   token with a data scope (scopes.ts).
 * - the records API (records/routes.ts) and `v{version}/limits` (limits.ts);
 * - anything else under the prefix — 401/403 for the token first, then
 *   Salesforce's 404 `NOT_FOUND`, so nothing is told to an unauthenticated caller.
 * Every call with a valid token counts against the app's daily API limit (limits.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { identityUrl, type ServerContext } from '../context.ts';
import type { Caller } from './bearer.ts';
import { notFound } from './errors.ts';
import { apiCaller, limitsRoutes } from './limits.ts';
import { recordRoutes } from './records/routes.ts';
import { sendJson } from './reply.ts';
import { API_VERSIONS, versionFromSegment } from './versions.ts';

/** The resource directory of one version (Salesforce's keys; `identity` is absolute, as there). */
export function resourceDirectory(
  ctx: ServerContext,
  version: string,
  caller: Caller,
): Record<string, string> {
  const base = `/services/data/v${version}`;
  return {
    sobjects: `${base}/sobjects`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    search: `${base}/search`,
    recent: `${base}/recent`,
    limits: `${base}/limits`,
    composite: `${base}/composite`,
    tooling: `${base}/tooling`,
    identity: identityUrl(ctx.settings, ctx.orgId, caller.user.id),
  };
}

export function dataRoutes(ctx: ServerContext) {
  return async (scope: FastifyInstance): Promise<void> => {
    scope.get('/', async (_req, reply) => sendJson(reply, 200, API_VERSIONS, { private: false }));

    const versionRoot = async (req: FastifyRequest<{ Params: { version: string } }>, reply: FastifyReply) => {
      const caller = await apiCaller(ctx, req);
      const version = versionFromSegment(req.params.version);
      if (!version) throw notFound();
      return sendJson(reply, 200, resourceDirectory(ctx, version, caller));
    };
    scope.get('/:version', versionRoot);
    scope.get('/:version/', versionRoot);

    // The records API and the daily limit (records/routes.ts, limits.ts): every call is metered.
    await scope.register(recordRoutes(ctx));
    await scope.register(limitsRoutes(ctx));

    scope.setNotFoundHandler(async (req) => {
      await apiCaller(ctx, req);
      throw notFound();
    });
  };
}
