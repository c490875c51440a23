/**
 * Console sessions: the browser-session store and CSRF helpers of the authorization pages
 * (http/session.ts), under a cookie of their own.
 * - `s2s_console`, `Path=/console`, `HttpOnly`, `SameSite=Strict` (the console is never
 *   entered from another site's form or link), `Secure` when the issuer is https.
 * - The value is `<kind>.<256 random bits>`: `a` before sign-in (the sign-in form's CSRF
 *   token), `u` for an admin user, `t` for the admin token. The store keeps only a SHA-256,
 *   over the whole value, so the kind cannot be changed without losing the session; for `t`
 *   the hash also covers the stored admin token's hash, so replacing the admin token ends
 *   every session opened with the old one.
 * - Signing in replaces the session (no fixation); an admin user who is deactivated or
 *   loses the administrator profile is signed out on the next request.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_TOKEN_SETTING } from '../../bootstrap.ts';
import type { ServerContext } from '../../context.ts';
import { sha256Hex } from '../../domain/hashing.ts';
import type { User } from '../../domain/types.ts';
import type { BrowserSession } from '../../store/interfaces.ts';
import { ANONYMOUS_TTL_MS, parseCookies, SIGNED_IN_TTL_MS } from '../session.ts';
import { isConsoleAdmin } from './admins.ts';
import { CONSOLE } from './paths.ts';

export const CONSOLE_COOKIE = 's2s_console';

type Kind = 'a' | 'u' | 't';

/** Who is signed in to the console. */
export type ConsoleAdmin = { kind: 'user'; name: string; user: User } | { kind: 'token'; name: string };

export interface ConsoleSession {
  session: BrowserSession;
  /** Null before sign-in (or once the user is no longer an administrator). */
  admin: ConsoleAdmin | null;
}

export type SignInAs = { kind: 'anonymous' } | { kind: 'user'; user: User } | { kind: 'token' };

const TOKEN_NAME = 'admin token';

function cookie(ctx: ServerContext, value: string, maxAgeSeconds: number): string {
  const secure = ctx.settings.issuer.startsWith('https:') ? '; Secure' : '';
  return `${CONSOLE_COOKIE}=${value}; Path=${CONSOLE}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
}

async function idHash(ctx: ServerContext, kind: Kind, value: string): Promise<string | null> {
  if (kind !== 't') return sha256Hex(value);
  const adminToken = await ctx.store.settings.get(ADMIN_TOKEN_SETTING);
  return adminToken ? sha256Hex(`${value}|${adminToken}`) : null;
}

/** The console session named by the request's cookie, if it is live. */
export async function loadConsoleSession(
  ctx: ServerContext,
  req: FastifyRequest,
): Promise<ConsoleSession | null> {
  const value = parseCookies(req.headers.cookie).get(CONSOLE_COOKIE);
  const m = value ? /^([aut])\.[A-Za-z0-9_-]{43}$/.exec(value) : null;
  if (!m || !value) return null;
  const kind = m[1] as Kind;
  const hash = await idHash(ctx, kind, value);
  const session = hash ? await ctx.store.sessions.find(hash, ctx.now()) : undefined;
  if (!session || (kind === 'u') !== (session.userId !== null)) return null;
  if (kind === 't') return { session, admin: { kind: 'token', name: TOKEN_NAME } };
  if (kind === 'a' || session.userId === null) return { session, admin: null };
  const user = await ctx.store.users.findById(session.userId);
  return {
    session,
    admin: user && isConsoleAdmin(user) ? { kind: 'user', name: user.username, user } : null,
  };
}

/** Starts a new session (replacing the cookie): before sign-in, or for an admin. */
export async function startConsoleSession(
  ctx: ServerContext,
  reply: FastifyReply,
  as: SignInAs,
): Promise<ConsoleSession> {
  const kind: Kind = as.kind === 'anonymous' ? 'a' : as.kind === 'user' ? 'u' : 't';
  const value = `${kind}.${randomBytes(32).toString('base64url')}`;
  const hash = await idHash(ctx, kind, value);
  if (!hash) throw new Error('no admin token is configured');
  const now = ctx.now();
  const ttl = kind === 'a' ? ANONYMOUS_TTL_MS : SIGNED_IN_TTL_MS;
  const session: BrowserSession = {
    idHash: hash,
    userId: as.kind === 'user' ? as.user.id : null,
    csrfSecret: randomBytes(32).toString('base64url'),
    createdAt: now,
    expiresAt: now + ttl,
  };
  await ctx.store.sessions.create(session);
  await ctx.store.sessions.purgeExpired(now, 100);
  reply.header('set-cookie', cookie(ctx, value, ttl / 1000));
  const admin: ConsoleAdmin | null =
    as.kind === 'user'
      ? { kind: 'user', name: as.user.username, user: as.user }
      : as.kind === 'token'
        ? { kind: 'token', name: TOKEN_NAME }
        : null;
  return { session, admin };
}

export async function endConsoleSession(
  ctx: ServerContext,
  reply: FastifyReply,
  s: ConsoleSession,
): Promise<void> {
  await ctx.store.sessions.delete(s.session.idHash);
  reply.header('set-cookie', cookie(ctx, '', 0));
}
