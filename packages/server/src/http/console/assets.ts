/** GET /console/assets/console.css and …/console.js: the console's own stylesheet and script. */
import type { FastifyInstance } from 'fastify';
import { CONSOLE_STYLESHEET } from './console_css.ts';
import { CONSOLE_SCRIPT } from './console_js.ts';
import { CONSOLE_PATHS } from './paths.ts';

export function consoleAssetRoutes(app: FastifyInstance): void {
  const send = (path: string, type: string, body: string) =>
    app.get(path, async (_req, reply) =>
      reply
        .header('cache-control', 'public, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .type(type)
        .send(body),
    );
  send(CONSOLE_PATHS.stylesheet, 'text/css; charset=utf-8', CONSOLE_STYLESHEET);
  send(CONSOLE_PATHS.script, 'text/javascript; charset=utf-8', CONSOLE_SCRIPT);
}
