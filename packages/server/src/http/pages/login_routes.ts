/**
 * POST /services/oauth2/login and /services/oauth2/logout. Sign-in replaces the session
 * (a new id for the signed-in session: no fixation) and continues where it was asked to,
 * which is only ever an authorization request or the approvals page (paths.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { signIn } from '../../oauth/authorization/login.ts';
import { csrfToken, csrfValid, endSession, loadSession, type PageSession, startSession } from '../session.ts';
import { csrfRefused, pageHandler, readForm } from './handler.ts';
import { loginPage } from './login.ts';
import { loginContext } from './login_context.ts';
import { PATHS, safeContinue } from './paths.ts';
import { sendPage, sendRedirect } from './respond.ts';

/** Renders the sign-in page for a session (a new one when there is none). */
export async function showLogin(
  ctx: ServerContext,
  reply: FastifyReply,
  s: PageSession | null,
  continueTo: string,
  opts: { status?: number; error?: string; notice?: string; username?: string } = {},
): Promise<FastifyReply> {
  const session = s && s.user === null ? s : await startSession(ctx, reply, null);
  const { appName, formActions } = await loginContext(ctx, continueTo);
  const page = loginPage({
    csrf: csrfToken(session.session),
    continueTo,
    appName,
    username: opts.username,
    error: opts.error,
    notice: opts.notice,
  });
  return sendPage(reply, page, { status: opts.status, formActions });
}

const MAX_FIELD = 1024;

export function loginRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post(
    PATHS.login,
    pageHandler(ctx, async (req, reply) => {
      const form = readForm(req);
      const continueTo = safeContinue(form.get('continue'));
      const s = await loadSession(ctx, req);
      if (!s || !csrfValid(s.session, form.get('csrf'))) {
        // RFC 6749 §10.12 (login CSRF): refused; a fresh form lets a real user carry on.
        return showLogin(ctx, reply, null, continueTo, {
          status: 403,
          error: 'This sign-in form expired or was not sent from this site. Please sign in again.',
        });
      }
      const username = form.get('username') ?? '';
      const password = form.get('password') ?? '';
      if (!username || !password || username.length > MAX_FIELD || password.length > MAX_FIELD) {
        return showLogin(ctx, reply, s, continueTo, {
          status: 400,
          error: 'Enter your username and password.',
          username: username.slice(0, MAX_FIELD),
        });
      }
      const result = await signIn(ctx, { username, password, address: req.ip });
      if (!result.ok && result.reason === 'throttled') {
        reply.header('retry-after', String(result.retryAfterSeconds));
        return showLogin(ctx, reply, s, continueTo, {
          status: 429,
          error: `Too many failed sign-in attempts for this account or from your network. Wait ${Math.ceil(result.retryAfterSeconds / 60)} minutes, then try again.`,
          username,
        });
      }
      if (!result.ok) {
        return showLogin(ctx, reply, s, continueTo, {
          status: 400,
          error: 'Incorrect username or password.',
          username,
        });
      }
      await ctx.store.sessions.delete(s.session.idHash);
      await startSession(ctx, reply, result.user);
      return sendRedirect(reply, continueTo, 303);
    }),
  );

  app.post(
    PATHS.logout,
    pageHandler(ctx, async (req, reply) => {
      const form = readForm(req);
      const s = await loadSession(ctx, req);
      if (!s || !csrfValid(s.session, form.get('csrf'))) throw csrfRefused();
      await endSession(ctx, reply, s);
      return sendRedirect(reply, safeContinue(form.get('continue')), 303);
    }),
  );
}
