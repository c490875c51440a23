/**
 * The authorization endpoint (RFC 6749 §4.1.1, §3.1): GET /services/oauth2/authorize,
 * and the consent decision, POST /services/oauth2/authorize/consent. Plus the registration
 * of every page route (sign-in, approvals, stylesheet).
 *
 * GET: validate the request (a bad client or redirect URI shows an error page, anything
 * else is redirected with `error`, RFC 6749 §4.1.2.1) → no signed-in user: sign-in page →
 * an approval that covers the scopes, or a pre-authorized user: redirect with a code →
 * otherwise the consent page. The response carries `iss` (RFC 9207, RFC 9700 §4.4 mix-up).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.ts';
import { approve, decideWithoutConsent, denied } from '../oauth/authorization/decision.ts';
import { PageError } from '../oauth/authorization/errors.ts';
import { redirectSource, redirectWith } from '../oauth/authorization/redirect_uri.ts';
import { type AuthorizationRequest, validateAuthorizationRequest } from '../oauth/authorization/request.ts';
import { approvalsRoutes } from './pages/approvals_routes.ts';
import { assetRoutes } from './pages/assets.ts';
import { consentPage } from './pages/consent.ts';
import { csrfRefused, pageHandler, readForm } from './pages/handler.ts';
import { loginRoutes, showLogin } from './pages/login_routes.ts';
import { PATHS } from './pages/paths.ts';
import { sendPage, sendRedirect } from './pages/respond.ts';
import { csrfToken, csrfValid, loadSession } from './session.ts';

function rawQuery(req: FastifyRequest): string {
  const q = req.url.indexOf('?');
  return q < 0 ? '' : req.url.slice(q + 1);
}

/** The successful authorization response (RFC 6749 §4.1.2; RFC 9207 §2 `iss`). */
function codeLocation(ctx: ServerContext, ar: AuthorizationRequest, code: string): string {
  return redirectWith(ar.redirectUri, { code, state: ar.state, iss: ctx.settings.issuer });
}

function formActions(ar: AuthorizationRequest): string[] {
  const source = redirectSource(ar.redirectUri);
  return source ? [source] : [];
}

function hostOf(uri: string): string {
  try {
    const u = new URL(uri);
    return u.host || u.protocol;
  } catch {
    return uri;
  }
}

export function authorizationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  assetRoutes(app);
  loginRoutes(app, ctx);
  approvalsRoutes(app, ctx);

  app.get(
    PATHS.authorize,
    pageHandler(ctx, async (req, reply) => {
      const query = rawQuery(req);
      const ar = await validateAuthorizationRequest(ctx.store, query);
      const continueTo = `${PATHS.authorize}?${query}`;
      const s = await loadSession(ctx, req);
      if (!s?.user) return showLogin(ctx, reply, s, continueTo);
      const decision = await decideWithoutConsent(ctx, ar, s.user);
      if (decision.kind === 'code') return sendRedirect(reply, codeLocation(ctx, ar, decision.code), 302);
      const page = consentPage({
        appName: ar.app.name,
        redirectHost: hostOf(ar.redirectUri),
        scopes: ar.scopes,
        request: query,
        csrf: csrfToken(s.session),
        username: s.user.username,
        continueTo,
      });
      return sendPage(reply, page, { formActions: formActions(ar) });
    }),
  );

  app.post(
    PATHS.consent,
    pageHandler(ctx, async (req, reply) => {
      const form = readForm(req);
      const s = await loadSession(ctx, req);
      // RFC 6749 §10.12: a decision without this session's token is refused, never redirected.
      if (!s || !csrfValid(s.session, form.get('csrf'))) throw csrfRefused();
      const query = form.get('request') ?? '';
      const ar = await validateAuthorizationRequest(ctx.store, query);
      const continueTo = `${PATHS.authorize}?${query}`;
      if (!s.user) return showLogin(ctx, reply, s, continueTo, { notice: 'Sign in again to continue.' });
      const decision = form.get('decision');
      if (decision === 'deny') throw denied(ar);
      if (decision !== 'allow') throw new PageError('Form not accepted', 'Choose Allow or Deny.');
      const code = await approve(ctx, ar, s.user);
      return sendRedirect(reply, codeLocation(ctx, ar, code), 303);
    }),
  );
}
