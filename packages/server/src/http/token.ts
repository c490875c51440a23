/** POST /services/oauth2/token — parse, call the core, serialise. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { handleTokenRequest } from '../oauth/token_endpoint.ts';
import { formParams, sourceIp } from './form.ts';

export function tokenRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/services/oauth2/token', async (req, reply) => {
    const body = await handleTokenRequest(ctx, {
      params: formParams(req),
      authorization: req.headers.authorization,
      sourceIp: sourceIp(req),
    });
    // RFC 6749 §5.1: token responses are never cached.
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return body;
  });
}
