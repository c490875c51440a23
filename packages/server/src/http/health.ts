/**
 * Probes for load balancers and orchestrators.
 * - GET /healthz: the process is up and serving (no dependencies checked).
 * - GET /readyz: the store answers and every migration this build knows is applied (`store`),
 *   a signing key is loaded (`signingKey`), and audit events can be written (`audit`: false
 *   while the write-behind buffer's last flush failed or it is full — the token endpoint then
 *   issues nothing, store/audit_write_behind.ts); 503 otherwise, so traffic goes elsewhere.
 *   While the server drains for shutdown it answers 503 `draining`, so a load balancer stops
 *   sending new requests before the listener closes (server.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';

const draining = new WeakSet<FastifyInstance>();

/** From now on /readyz of this app answers 503 `draining`. */
export function markDraining(app: FastifyInstance): void {
  draining.add(app);
}

export function isDraining(app: FastifyInstance): boolean {
  return draining.has(app);
}

export function healthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // Migrations never un-apply: once current, the check is not repeated.
  let migrationsCurrent = false;

  app.get('/healthz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const checks: Record<string, 'ok' | 'failing'> = { store: 'ok', signingKey: 'ok', audit: 'ok' };
    try {
      await ctx.store.ping();
      if (!migrationsCurrent) {
        const { pending } = await ctx.store.migrationStatus();
        migrationsCurrent = pending.length === 0;
        if (!migrationsCurrent) {
          req.log.warn({ pending }, 'not ready: database migrations pending');
          checks.store = 'failing';
        }
      }
    } catch {
      checks.store = 'failing';
    }
    try {
      ctx.keys.active;
    } catch {
      checks.signingKey = 'failing';
    }
    if (ctx.store.audit.healthy === false) checks.audit = 'failing';
    const ready = Object.values(checks).every((v) => v === 'ok');
    if (draining.has(app)) return reply.code(503).send({ status: 'draining', checks });
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
