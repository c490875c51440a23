/** GET /services/oauth2/assets/style.css — the pages' only asset. */
import type { FastifyInstance } from 'fastify';
import { PATHS } from './paths.ts';
import { STYLESHEET } from './style.css.ts';

export function assetRoutes(app: FastifyInstance): void {
  app.get(PATHS.stylesheet, async (_req, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .type('text/css; charset=utf-8')
      .send(STYLESHEET),
  );
}
