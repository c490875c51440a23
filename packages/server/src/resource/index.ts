/**
 * The protected API (resource server), assembled. Everything here answers in
 * Salesforce's shapes, not OAuth's: the scope below has its own error handler,
 * so even Fastify's own errors on these paths are Salesforce error arrays
 * (errors.ts), and `/services/data/*` has its own 404.
 *
 * - `GET /services/data`, `GET /services/data/v{version}/` — data.ts
 * - `GET|POST /services/oauth2/userinfo`, `GET /id/{orgId}/{userId}` — identity.ts
 * Token extraction and the 400/401/403 rules: bearer.ts; scopes: scopes.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { dataRoutes } from './data.ts';
import { resourceErrorHandler } from './errors.ts';
import { identityRoutes } from './identity.ts';

export function resourceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.register(async (scope) => {
    scope.setErrorHandler(resourceErrorHandler);
    await scope.register(dataRoutes(ctx), { prefix: '/services/data' });
    await scope.register(identityRoutes(ctx));
  });
}
