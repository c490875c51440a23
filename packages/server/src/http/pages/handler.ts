/**
 * Error handling shared by the page routes: they answer in HTML, never in the JSON of
 * http/errors.ts. A PageError is shown; a RedirectError goes back to the client with
 * `error`, `error_description`, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207); anything
 * else is logged (without request bodies: they hold passwords) and shown as a generic page.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { PageError, RedirectError } from '../../oauth/authorization/errors.ts';
import { redirectWith } from '../../oauth/authorization/redirect_uri.ts';
import { isOAuthError } from '../../oauth/errors.ts';
import { type Params, parseForm } from '../../oauth/params.ts';
import { isStoreUnavailable } from '../unavailable.ts';
import { errorPage } from './error.ts';
import type { Html } from './html.ts';
import { sendPage, sendRedirect } from './respond.ts';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/** Renders an error page; the admin console passes its own shell (console/layout.ts). */
export type ErrorView = (title: string, explanation: string) => Html;

export function pageHandler(ctx: ServerContext, fn: Handler, view: ErrorView = errorPage): Handler {
  return async (req, reply) => {
    try {
      return await fn(req, reply);
    } catch (err) {
      if (err instanceof RedirectError) {
        const location = redirectWith(err.redirectUri, {
          error: err.code,
          error_description: err.description,
          state: err.state,
          iss: ctx.settings.issuer,
        });
        return sendRedirect(reply, location, req.method === 'GET' ? 302 : 303);
      }
      if (err instanceof PageError) {
        return sendPage(reply, view(err.title, err.explanation), { status: err.status });
      }
      if (isStoreUnavailable(err)) {
        req.log.warn({ code: (err as { code?: string }).code }, 'store unavailable');
        reply.header('retry-after', '5');
        return sendPage(reply, view('Try again shortly', 'The service is briefly unavailable.'), {
          status: 503,
        });
      }
      req.log.error({ err }, 'page failed');
      return sendPage(reply, view('Something went wrong', 'The request could not be completed.'), {
        status: 500,
      });
    }
  };
}

/** A form POST's fields: urlencoded only; a repeated field is refused (RFC 6749 §3.1). */
export function readForm(req: FastifyRequest): Params {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new PageError('Form not accepted', 'The form was not sent as a web form.', 415);
  }
  try {
    return parseForm(typeof req.body === 'string' ? req.body : '');
  } catch (err) {
    if (isOAuthError(err)) throw new PageError('Form not accepted', err.description);
    throw err;
  }
}

/** 403 for a form without the session's CSRF token (RFC 6749 §10.12). */
export function csrfRefused(): PageError {
  return new PageError(
    'This form has expired',
    'The form was not sent from this site or your session ended. Go back, reload the page and try again.',
    403,
  );
}
