/**
 * CORS (Fetch standard) for what a browser application may call directly: the metadata
 * documents, the JWKS, userinfo and the token endpoint — and only from the origins in
 * S2S_CORS_ORIGINS (`*` allows any). Nothing here uses cookies, so credentials are never
 * allowed. Preflights (OPTIONS) of a listed origin get 204 with the methods and headers;
 * other origins get 204 without them, and the browser refuses the call.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/** Paths and the methods a browser may use on them. */
export const CORS_PATHS: Record<string, string> = {
  '/.well-known/openid-configuration': 'GET',
  '/.well-known/oauth-authorization-server': 'GET',
  '/id/keys': 'GET',
  '/services/oauth2/userinfo': 'GET, POST',
  '/services/oauth2/token': 'POST',
};

const ALLOW_HEADERS = 'Authorization, Content-Type';
const EXPOSE_HEADERS = 'WWW-Authenticate, Retry-After';

export function corsRoutes(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  /** The Access-Control-Allow-Origin value for this request, or undefined. */
  const allow = (req: FastifyRequest): string | undefined => {
    const origin = req.headers.origin;
    if (origin === undefined) return undefined;
    return any ? '*' : allowed.has(origin) ? origin : undefined;
  };

  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('vary', 'Origin');
    const value = allow(req);
    if (value)
      reply
        .header('access-control-allow-origin', value)
        .header('access-control-expose-headers', EXPOSE_HEADERS);
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!(route.url in CORS_PATHS) || [route.method].flat().includes('OPTIONS')) return;
    const existing = route.onRequest;
    route.onRequest = existing === undefined ? [onRequest] : [...[existing].flat(), onRequest];
  });

  for (const [path, methods] of Object.entries(CORS_PATHS)) {
    app.options(path, async (req, reply) => {
      reply.header('vary', 'Origin').header('cache-control', 'no-store');
      const value = allow(req);
      if (value) {
        reply
          .header('access-control-allow-origin', value)
          .header('access-control-allow-methods', methods)
          .header('access-control-allow-headers', ALLOW_HEADERS)
          .header('access-control-max-age', '600');
      }
      return reply.code(204).send();
    });
  }
}
