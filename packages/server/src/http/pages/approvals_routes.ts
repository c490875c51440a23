/**
 * GET /services/oauth2/approvals — the signed-in user's connected apps — and
 * POST /services/oauth2/approvals/revoke (CSRF-protected). Revoking deletes the approval
 * (later JWT/SAML bearer grants for that user and app fail), revokes the app's access tokens
 * for the user, and the refresh families issued under the approval.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { PageError } from '../../oauth/authorization/errors.ts';
import { isOAuthError } from '../../oauth/errors.ts';
import { revokeApproval } from '../../services/approvals.ts';
import { csrfToken, csrfValid, loadSession } from '../session.ts';
import { type ApprovalItem, approvalsPage } from './approvals.ts';
import { csrfRefused, pageHandler, readForm } from './handler.ts';
import { showLogin } from './login_routes.ts';
import { PATHS } from './paths.ts';
import { sendPage, sendRedirect } from './respond.ts';

export function approvalsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    PATHS.approvals,
    pageHandler(ctx, async (req, reply) => {
      const s = await loadSession(ctx, req);
      if (!s?.user) return showLogin(ctx, reply, s, PATHS.approvals);
      const approvals = await ctx.store.approvals.list({ userId: s.user.id });
      const items: ApprovalItem[] = [];
      for (const a of approvals) {
        const owner = await ctx.store.apps.findById(a.appId);
        if (owner) items.push({ id: a.id, appName: owner.name, scopes: a.scopes, approvedAt: a.updatedAt });
      }
      const revoked = new URLSearchParams(req.url.split('?')[1] ?? '').get('revoked') === '1';
      const page = approvalsPage({
        username: s.user.username,
        csrf: csrfToken(s.session),
        items,
        notice: revoked ? 'Access revoked.' : undefined,
      });
      return sendPage(reply, page);
    }),
  );

  app.post(
    PATHS.revokeApproval,
    pageHandler(ctx, async (req, reply) => {
      const form = readForm(req);
      const s = await loadSession(ctx, req);
      if (!s || !csrfValid(s.session, form.get('csrf'))) throw csrfRefused();
      if (!s.user) return showLogin(ctx, reply, s, PATHS.approvals, { notice: 'Sign in again to continue.' });
      const id = form.get('approval') ?? '';
      const approval = id ? await ctx.store.approvals.findById(id) : undefined;
      // Someone else's approval is "not found" too: ids are not secrets, but nor are they yours.
      if (!approval || approval.userId !== s.user.id) {
        throw new PageError('Not found', 'There is no such connected app on your account.', 404);
      }
      try {
        // Revokes its access tokens and refresh families too.
        await revokeApproval(ctx, approval.id);
      } catch (err) {
        // Revoked meanwhile (another tab, an admin): the outcome the user asked for.
        if (!(isOAuthError(err) && err.code === 'not_found')) throw err;
      }
      return sendRedirect(reply, `${PATHS.approvals}?revoked=1`, 303);
    }),
  );
}
