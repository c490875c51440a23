/**
 * GET/POST /console/login, POST /console/logout, GET /console. Signing in replaces the
 * session (no fixation) and continues only to a console page (paths.ts `safeNext`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { csrfRefused, pageHandler } from '../pages/handler.ts';
import { sendRedirect } from '../pages/respond.ts';
import { csrfToken, csrfValid } from '../session.ts';
import { signInAdminToken, signInAdminUser } from './admins.ts';
import { readConsoleForm } from './form.ts';
import { query } from './handler.ts';
import { consoleErrorPage, sendConsolePage } from './layout.ts';
import { consoleLoginPage, type LoginView } from './login_page.ts';
import { CONSOLE_PATHS, safeNext } from './paths.ts';
import {
  type ConsoleSession,
  endConsoleSession,
  loadConsoleSession,
  startConsoleSession,
} from './session.ts';

const MAX_FIELD = 1024;

async function showLogin(
  ctx: ServerContext,
  reply: FastifyReply,
  s: ConsoleSession | null,
  view: Omit<LoginView, 'csrf'>,
  status = 200,
): Promise<FastifyReply> {
  const session = s && s.admin === null ? s : await startConsoleSession(ctx, reply, { kind: 'anonymous' });
  return sendConsolePage(reply, consoleLoginPage({ ...view, csrf: csrfToken(session.session) }), status);
}

function throttledMessage(seconds: number): string {
  return `Too many failed sign-in attempts. Wait ${Math.ceil(seconds / 60)} minutes, then try again.`;
}

export function consoleLoginRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    CONSOLE_PATHS.home,
    pageHandler(
      ctx,
      async (req, reply) => {
        const s = await loadConsoleSession(ctx, req);
        return sendRedirect(reply, s?.admin ? CONSOLE_PATHS.apps : CONSOLE_PATHS.login, 302);
      },
      consoleErrorPage,
    ),
  );

  app.get(
    CONSOLE_PATHS.login,
    pageHandler(
      ctx,
      async (req, reply) => {
        const q = query(req);
        const next = safeNext(q.get('next') ?? undefined);
        const s = await loadConsoleSession(ctx, req);
        if (s?.admin) return sendRedirect(reply, next, 302);
        const notice = q.get('signedout') === '1' ? 'You are signed out.' : undefined;
        return showLogin(ctx, reply, s, { next, notice });
      },
      consoleErrorPage,
    ),
  );

  app.post(
    CONSOLE_PATHS.login,
    pageHandler(
      ctx,
      async (req, reply) => {
        const form = readConsoleForm(req);
        const next = safeNext(form.one('next'));
        const how = form.one('how') === 'token' ? 'token' : 'user';
        const s = await loadConsoleSession(ctx, req);
        if (!s || !csrfValid(s.session, form.one('csrf'))) {
          const message = 'This sign-in form expired or was not sent from this site. Please sign in again.';
          return showLogin(ctx, reply, null, { next, error: { form: how, message } }, 403);
        }
        const fail = (message: string, status: number, username?: string) =>
          showLogin(ctx, reply, s, { next, username, error: { form: how, message } }, status);
        if (how === 'token') {
          const token = form.one('token') ?? '';
          if (!token || token.length > MAX_FIELD) return fail('Enter the admin token.', 400);
          const r = await signInAdminToken(ctx, { token, address: req.ip });
          if (!r.ok && r.reason === 'throttled') {
            reply.header('retry-after', String(r.retryAfterSeconds));
            return fail(throttledMessage(r.retryAfterSeconds), 429);
          }
          if (!r.ok) return fail('That is not the admin token.', 400);
          await ctx.store.sessions.delete(s.session.idHash);
          await startConsoleSession(ctx, reply, { kind: 'token' });
          return sendRedirect(reply, next, 303);
        }
        const username = (form.one('username') ?? '').slice(0, MAX_FIELD);
        const password = form.one('password') ?? '';
        if (!username || !password || password.length > MAX_FIELD) {
          return fail('Enter your username and password.', 400, username);
        }
        const r = await signInAdminUser(ctx, { username, password, address: req.ip });
        if (!r.ok && r.reason === 'throttled') {
          reply.header('retry-after', String(r.retryAfterSeconds));
          return fail(throttledMessage(r.retryAfterSeconds), 429, username);
        }
        if (!r.ok) {
          return fail('Incorrect username or password, or the user is not an administrator.', 400, username);
        }
        await ctx.store.sessions.delete(s.session.idHash);
        await startConsoleSession(ctx, reply, { kind: 'user', user: r.user });
        return sendRedirect(reply, next, 303);
      },
      consoleErrorPage,
    ),
  );

  app.post(
    CONSOLE_PATHS.logout,
    pageHandler(
      ctx,
      async (req, reply) => {
        const form = readConsoleForm(req);
        const s = await loadConsoleSession(ctx, req);
        if (!s || !csrfValid(s.session, form.one('csrf'))) throw csrfRefused();
        await endConsoleSession(ctx, reply, s);
        return sendRedirect(reply, `${CONSOLE_PATHS.login}?signedout=1`, 303);
      },
      consoleErrorPage,
    ),
  );
}
