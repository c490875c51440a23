/**
 * Probes for load balancers and orchestrators.
 * - GET /healthz: the process is up and serving (no dependencies checked).
 * - GET /readyz: the store answers, migrations are current (they ran at start), and a
 *   signing key is loaded; 503 otherwise, so traffic goes elsewhere.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';

export function healthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/healthz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    const checks: Record<string, 'ok' | 'failing'> = { store: 'ok', signingKey: 'ok' };
    try {
      await ctx.store.ping();
    } catch {
      checks.store = 'failing';
    }
    try {
      ctx.keys.active;
    } catch {
      checks.signingKey = 'failing';
    }
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
