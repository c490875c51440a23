/**
 * Graceful shutdown of the HTTP side (docs/operations.md, "Shutdown"):
 * 1. /readyz answers 503 `draining` and every answer carries `Connection: close`, so load
 *    balancers and keep-alive clients move to other instances;
 * 2. the listener closes (no new connections) and idle keep-alive connections are closed;
 *    requests already received are answered in full — the store stays open until they are;
 * 3. if that takes longer than the bound (S2S_SHUTDOWN_TIMEOUT_SECONDS), the remaining
 *    connections are cut.
 */
import type { FastifyInstance } from 'fastify';
import { isDraining, markDraining } from './health.ts';

/**
 * Adds `Connection: close` to every answer sent once draining began — decided when the answer
 * goes out, so a request that arrived before the drain does not keep its connection open.
 */
export function drainHook(app: FastifyInstance): void {
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (isDraining(app)) reply.header('connection', 'close');
    done(null, payload);
  });
}

/** Drains and closes the app; resolves `cut` when the bound was reached and connections were cut. */
export async function drain(app: FastifyInstance, timeoutMs: number): Promise<'drained' | 'cut'> {
  markDraining(app);
  const closing = app.close();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'cut'>((resolve) => {
    timer = setTimeout(() => resolve('cut'), timeoutMs);
  });
  const outcome = await Promise.race([closing.then(() => 'drained' as const), bound]);
  clearTimeout(timer);
  if (outcome === 'cut') {
    app.server.closeAllConnections();
    await closing;
  }
  return outcome;
}
