/**
 * Admin API authentication: `Authorization: Bearer <admin token>` (RFC 6750
 * §2.1). Only the token's SHA-256 is stored (bootstrap.ts); the presented
 * token's hash is compared with it in constant time. Failures are 401
 * `invalid_token` with a `WWW-Authenticate` challenge (RFC 6750 §3).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_TOKEN_SETTING } from '../../bootstrap.ts';
import type { ServerContext } from '../../context.ts';
import { digestEquals, sha256Hex } from '../../domain/hashing.ts';
import { OAuthError } from '../../oauth/errors.ts';
import { sendOAuthError } from '../errors.ts';
import { isConsoleCall } from './console_caller.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without the admin token (the OpenAPI document). */
    adminPublic?: boolean;
  }
}

export const ADMIN_REALM = 's2s-admin';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 7235 §2.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The presented bearer token; `null` when none was sent, `''` when it is malformed. */
function presentedToken(header: string | undefined): string | null {
  if (header === undefined || !/^Bearer(\s|$)/i.test(header) || header.slice(6).trim() === '') return null;
  const m = BEARER.exec(header.trim());
  return m ? m[1]! : '';
}

export function adminAuthHook(ctx: ServerContext) {
  return async function adminAuth(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (req.routeOptions.config.adminPublic) return;
    // The web console's in-process calls for its signed-in admin (console_caller.ts).
    if (isConsoleCall(ctx, req)) return;
    const token = presentedToken(req.headers.authorization);
    const stored = await ctx.store.settings.get(ADMIN_TOKEN_SETTING);
    // Hashing first makes the comparison length-independent; digestEquals is constant-time.
    if (token && stored && digestEquals(sha256Hex(token), stored)) return;
    // RFC 6750 §3.1: with no authentication information, the challenge carries no error code.
    const challenge =
      token === null
        ? `Bearer realm="${ADMIN_REALM}"`
        : `Bearer realm="${ADMIN_REALM}", error="invalid_token"`;
    const description = token === null ? 'the admin token is required' : 'the admin token is invalid';
    req.log.info({ code: 'invalid_token', tokenSent: token !== null }, 'admin request refused');
    reply.header('www-authenticate', challenge);
    await sendOAuthError(reply, new OAuthError('invalid_token', description));
  };
}
