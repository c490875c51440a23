/**
 * How the protected API writes a body: JSON with Salesforce's exact media type
 * (`application/json;charset=UTF-8`; jsforce parses JSON only when the type
 * matches `^application/json(;|$)`, clients.md §1.2).
 */
import type { FastifyReply } from 'fastify';

export const SALESFORCE_JSON = 'application/json;charset=UTF-8';

/**
 * Sends `body` as JSON. Answers about a token or a user are personal and never
 * cached (`private` = true, the default); public documents may be.
 */
export function sendJson(
  reply: FastifyReply,
  status: number,
  body: unknown,
  opts: { private?: boolean } = {},
) {
  if (opts.private !== false) reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  return reply.code(status).type(SALESFORCE_JSON).send(JSON.stringify(body));
}
