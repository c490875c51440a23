/**
 * Browser sessions and CSRF protection for the authorization pages.
 * - The cookie holds 256 random bits; the store keeps only their SHA-256.
 * - `HttpOnly`, `SameSite=Lax` (sent on the top-level GET from the client's site, not on
 *   cross-site POSTs), `Secure` when the issuer is https, `Path=/services/oauth2` (never
 *   sent to the API).
 * - Every form carries a token derived from the session's own secret (synchronizer token,
 *   RFC 6749 §10.12); the login form too, from a session without a user, and signing in
 *   replaces that session with a new one (no session fixation).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.ts';
import { sha256Hex } from '../domain/hashing.ts';
import type { User } from '../domain/types.ts';
import type { BrowserSession } from '../store/interfaces.ts';

export const SESSION_COOKIE = 's2s_sid';
export const COOKIE_PATH = '/services/oauth2';
/** A signed-in session lasts as long as Salesforce's default session timeout. */
export const SIGNED_IN_TTL_MS = 2 * 3600_000;
/** A session before sign-in only has to outlive filling in the login form. */
export const ANONYMOUS_TTL_MS = 30 * 60_000;

export interface PageSession {
  session: BrowserSession;
  /** The signed-in user (active), or null before sign-in. */
  user: User | null;
}

/** Cookie header → name/value pairs (RFC 6265 §5.4); the first of a repeated name wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

function cookie(ctx: ServerContext, value: string, maxAgeSeconds: number): string {
  const secure = ctx.settings.issuer.startsWith('https:') ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

/** The session named by the request's cookie, if it is live. */
export async function loadSession(ctx: ServerContext, req: FastifyRequest): Promise<PageSession | null> {
  const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
  const session = await ctx.store.sessions.find(sha256Hex(id), ctx.now());
  if (!session) return null;
  if (session.userId === null) return { session, user: null };
  const user = await ctx.store.users.findById(session.userId);
  // A user deactivated since signing in is signed out.
  return { session, user: user?.active ? user : null };
}

/** Starts a new session (replacing the cookie) for a user, or without one for the login form. */
export async function startSession(
  ctx: ServerContext,
  reply: FastifyReply,
  user: User | null,
): Promise<PageSession> {
  const now = ctx.now();
  const id = randomBytes(32).toString('base64url');
  const ttl = user ? SIGNED_IN_TTL_MS : ANONYMOUS_TTL_MS;
  const session: BrowserSession = {
    idHash: sha256Hex(id),
    userId: user?.id ?? null,
    csrfSecret: randomBytes(32).toString('base64url'),
    createdAt: now,
    expiresAt: now + ttl,
  };
  await ctx.store.sessions.create(session);
  await ctx.store.sessions.purgeExpired(now, 100);
  reply.header('set-cookie', cookie(ctx, id, ttl / 1000));
  return { session, user };
}

/** The live session, or a new one without a user (for the login form's CSRF token). */
export async function ensureSession(
  ctx: ServerContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<PageSession> {
  return (await loadSession(ctx, req)) ?? startSession(ctx, reply, null);
}

export async function endSession(ctx: ServerContext, reply: FastifyReply, s: PageSession): Promise<void> {
  await ctx.store.sessions.delete(s.session.idHash);
  reply.header('set-cookie', cookie(ctx, '', 0));
}

/** The CSRF token of a session: an HMAC of its secret, so the secret itself never reaches a page. */
export function csrfToken(session: BrowserSession): string {
  return createHmac('sha256', session.csrfSecret).update('s2s-oauth csrf').digest('base64url');
}

/** Constant-time check of a presented CSRF token against the session's. */
export function csrfValid(session: BrowserSession | undefined, presented: string | undefined): boolean {
  if (!session || presented === undefined) return false;
  const expected = Buffer.from(csrfToken(session));
  const got = Buffer.from(presented);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
