/**
 * Route wrappers of the console. Pages (GET) need a signed-in admin, else they send the
 * browser to the sign-in page and back. Actions (POST) also need the session's CSRF token
 * (403 without it, RFC 6749 §10.12's synchronizer token, as on the authorization pages).
 * Errors render in the console's shell (pages/handler.ts).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { csrfRefused, pageHandler } from '../pages/handler.ts';
import { sendPage, sendRedirect } from '../pages/respond.ts';
import { csrfToken, csrfValid } from '../session.ts';
import { type AdminApi, adminApi } from './api.ts';
import { type FormFields, readConsoleForm } from './form.ts';
import { type Chrome, consoleErrorPage, type Section } from './layout.ts';
import { CONSOLE_PATHS, withQuery } from './paths.ts';
import { type ConsoleAdmin, loadConsoleSession } from './session.ts';

/** What a console route gets besides the request. */
export interface ConsoleCall {
  admin: ConsoleAdmin;
  csrf: string;
  api: AdminApi;
  chrome(section?: Section): Chrome;
  /** The server's clock (tests may freeze it). */
  now(): number;
}

type PageFn = (req: FastifyRequest, reply: FastifyReply, c: ConsoleCall) => Promise<FastifyReply>;
type ActionFn = (
  req: FastifyRequest,
  reply: FastifyReply,
  c: ConsoleCall,
  form: FormFields,
) => Promise<FastifyReply>;

export interface ConsoleRoutes {
  page(path: string, fn: PageFn): void;
  action(path: string, fn: ActionFn): void;
}

export function consoleRouter(app: FastifyInstance, ctx: ServerContext): ConsoleRoutes {
  const api = adminApi(app, ctx);
  const call = (admin: ConsoleAdmin, csrf: string): ConsoleCall => ({
    admin,
    csrf,
    api,
    chrome: (section) => ({ admin: admin.name, csrf, section }),
    now: () => ctx.now(),
  });
  return {
    page(path, fn) {
      app.get(
        path,
        pageHandler(
          ctx,
          async (req, reply) => {
            const s = await loadConsoleSession(ctx, req);
            if (!s?.admin) return sendRedirect(reply, withQuery(CONSOLE_PATHS.login, { next: req.url }), 302);
            return fn(req, reply, call(s.admin, csrfToken(s.session)));
          },
          consoleErrorPage,
        ),
      );
    },
    action(path, fn) {
      app.post(
        path,
        { errorHandler: formErrorHandler },
        pageHandler(
          ctx,
          async (req, reply) => {
            const form = readConsoleForm(req);
            const s = await loadConsoleSession(ctx, req);
            if (!s || !csrfValid(s.session, form.one('csrf'))) throw csrfRefused();
            if (!s.admin) return sendRedirect(reply, CONSOLE_PATHS.login, 303);
            return fn(req, reply, call(s.admin, csrfToken(s.session)), form);
          },
          consoleErrorPage,
        ),
      );
    },
  };
}

/**
 * Errors before the route runs (a body over the server's limit, 413; an unreadable one) are
 * answered as a console page, not in the API's JSON.
 */
function formErrorHandler(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  const explanation =
    status === 413
      ? 'The form is larger than the server accepts. A certificate file should be a few kilobytes.'
      : status < 500
        ? 'The form could not be read.'
        : 'The request could not be completed.';
  if (status === 500) reply.log.error({ err }, 'console form failed');
  return sendPage(reply, consoleErrorPage('Form not accepted', explanation), { status });
}

/** The query string of a page request. */
export function query(req: FastifyRequest): URLSearchParams {
  const i = req.url.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : req.url.slice(i + 1));
}
