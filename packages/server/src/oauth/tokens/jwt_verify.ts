/**
 * Verification of a presented JWT access token (untrusted input), with jose:
 * RFC 9068 §4 — `typ` at+jwt, our issuer, our audience, an allow-listed
 * algorithm, a key from our own JWKS (never one named by the token), `exp`.
 */
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { ServerContext } from '../../context.ts';

const cache = new WeakMap<object, { generation: number; set: ReturnType<typeof createLocalJWKSet> }>();

function keySet(ctx: ServerContext) {
  const hit = cache.get(ctx.keys);
  if (hit && hit.generation === ctx.keys.generation) return hit.set;
  const set = createLocalJWKSet(ctx.keys.jwks());
  cache.set(ctx.keys, { generation: ctx.keys.generation, set });
  return set;
}

/** The token's claims when signature and claims check out (a string `jti` among them), else null. */
export async function verifyJwtAccessToken(ctx: ServerContext, token: string): Promise<JWTPayload | null> {
  try {
    const { payload } = await jwtVerify(token, keySet(ctx), {
      algorithms: ['ES256', 'RS256'],
      typ: 'at+jwt',
      issuer: ctx.settings.issuer,
      audience: ctx.settings.issuer,
      currentDate: new Date(ctx.now()),
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
    });
    return typeof payload.jti === 'string' ? payload : null;
  } catch {
    return null;
  }
}
