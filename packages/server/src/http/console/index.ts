/**
 * The admin console under /console (issue #10): connected apps, users and activity, as
 * server-rendered pages with plain forms. Every change and every read goes through the
 * admin API (api.ts), so the API stays the single source of rules. docs/console.md.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { PageError } from '../../oauth/authorization/errors.ts';
import { activityRoutes } from './activity_routes.ts';
import { appChildRoutes } from './app_child_routes.ts';
import { appRoutes } from './app_routes.ts';
import { consoleAssetRoutes } from './assets.ts';
import { consoleRouter } from './handler.ts';
import { consoleLoginRoutes } from './login_routes.ts';
import { CONSOLE } from './paths.ts';
import { userRoutes } from './user_routes.ts';

export function consoleRoutes(app: FastifyInstance, ctx: ServerContext): void {
  consoleAssetRoutes(app);
  consoleLoginRoutes(app, ctx);
  const r = consoleRouter(app, ctx);
  appRoutes(r);
  appChildRoutes(r);
  userRoutes(r);
  activityRoutes(r);
  // Any other console address: a console page, not the API's JSON 404.
  r.page(`${CONSOLE}/*`, async () => {
    throw new PageError('Not found', 'There is no such page in the console.', 404);
  });
}
