/**
 * The web console (http/console/) calls this API in-process, through Fastify's
 * `app.inject()`, for the admin signed in to it — so every rule and error of the API
 * applies to the console too. Such calls carry a key made at random for this process,
 * kept in memory only (never stored, logged or sent to a browser), in a header of its own.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.ts';

export const CONSOLE_KEY_HEADER = 'x-s2s-console-key';

const keys = new WeakMap<ServerContext, string>();

/** The in-process key of the console's calls (one per server context). */
export function consoleCallerKey(ctx: ServerContext): string {
  let key = keys.get(ctx);
  if (!key) {
    key = randomBytes(32).toString('base64url');
    keys.set(ctx, key);
  }
  return key;
}

/** Whether the request is the console's, by its key (compared in constant time). */
export function isConsoleCall(ctx: ServerContext, req: FastifyRequest): boolean {
  const presented = req.headers[CONSOLE_KEY_HEADER];
  const key = keys.get(ctx);
  if (typeof presented !== 'string' || !key) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}
