/**
 * The server's signing keys (keys/rotation.ts):
 * - GET /admin/v1/keys: every key with its state (signing, pending, published, retired) and times;
 * - POST /admin/v1/keys/rotate: adds the next key — published at once, signing after the overlap
 *   (S2S_KEY_OVERLAP_SECONDS unless `overlapSeconds` is given), and schedules the retirement
 *   of the keys it replaces. Other processes see it at their next key reload.
 * No private material is ever returned.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import type { KeyListing } from '../../keys/key_ring.ts';
import { asObject, int, oneOf, onlyKeys } from '../../services/validate.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export function signingKeyView(k: KeyListing) {
  return {
    kid: k.kid,
    alg: k.alg,
    state: k.state,
    createdAt: iso(k.createdAt),
    activatesAt: iso(k.activatesAt),
    retiresAt: k.retiredAt === null ? null : iso(k.retiredAt),
    encrypted: k.encrypted,
  };
}

/** Longest overlap accepted: 30 days. */
const MAX_OVERLAP = 2_592_000;

function parseRotate(body: unknown): { alg?: 'ES256' | 'RS256'; overlapMs?: number } {
  if (body === undefined || body === null || body === '') return {};
  const o = asObject(body, 'body');
  onlyKeys(o, ['alg', 'overlapSeconds'], '');
  return {
    ...(o.alg === undefined ? {} : { alg: oneOf(o.alg, 'alg', ['ES256', 'RS256'] as const) }),
    ...(o.overlapSeconds === undefined
      ? {}
      : { overlapMs: int(o.overlapSeconds, 'overlapSeconds', 0, MAX_OVERLAP) * 1000 }),
  };
}

export function keyRoutes(admin: FastifyInstance, ctx: ServerContext): void {
  admin.get('/keys', async () => {
    await ctx.keys.reload();
    return ctx.keys.list().map(signingKeyView);
  });
  admin.post('/keys/rotate', async (req, reply) => {
    const key = await ctx.keys.rotate(parseRotate(req.body));
    req.log.info({ kid: key.kid, activatesAt: iso(key.activatesAt) }, 'signing key rotation started');
    return reply.code(201).send({ key: signingKeyView(key), keys: ctx.keys.list().map(signingKeyView) });
  });
}
