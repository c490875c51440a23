/**
 * Approvals: a user's standing consent for an app and a set of scopes. The JWT
 * bearer grant requires one under "all users may self-authorize" (RFC 7523
 * §3 leaves the authorization decision to the server; Salesforce asks for a
 * prior approval). Admins may record one on the user's behalf (source `admin`);
 * revoking it also revokes that app's live tokens for the user.
 */

import type { ServerContext } from '../context.ts';
import { KeyPrefix, newId } from '../domain/ids.ts';
import type { App, Approval, User } from '../domain/types.ts';
import { OAuthError } from '../oauth/errors.ts';
import { revokeApprovalRefreshFamilies } from '../oauth/tokens/refresh_token.ts';
import { asObject, bad, onlyKeys, str, strArray } from './validate.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export function approvalView(a: Approval, app: App | undefined, user: User | undefined) {
  return {
    id: a.id,
    clientId: app?.clientId ?? null,
    appName: app?.name ?? null,
    userId: a.userId,
    username: user?.username ?? null,
    scopes: a.scopes,
    source: a.source,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

export type ApprovalView = ReturnType<typeof approvalView>;

export async function createApproval(ctx: ServerContext, body: unknown): Promise<ApprovalView> {
  const o = asObject(body, 'body');
  onlyKeys(o, ['clientId', 'username', 'scopes'], '');
  const clientId = str(o.clientId, 'clientId');
  const username = str(o.username, 'username', { max: 80 });
  const scopes = [...new Set(strArray(o.scopes, 'scopes'))];
  if (scopes.length === 0) throw bad('scopes', 'must name at least one scope');
  const app = await ctx.store.apps.findByClientId(clientId);
  if (!app) throw bad('clientId', 'no app with that client id');
  const user = await ctx.store.users.findByUsername(username);
  if (!user) throw bad('username', `no user named ${username}`);
  // RFC 6749 §3.3: nothing beyond what the app itself may be granted.
  const extra = scopes.filter((s) => !app.scopes.includes(s));
  if (extra.length > 0) throw bad('scopes', `not scopes of the app: ${extra.join(' ')}`);
  const now = ctx.now();
  const saved = await ctx.store.approvals.upsert({
    id: newId(KeyPrefix.approval),
    appId: app.id,
    userId: user.id,
    scopes,
    source: 'admin',
    createdAt: now,
    updatedAt: now,
  });
  return approvalView(saved, app, user);
}

/** Approvals, filtered by client id and/or username. An unknown one matches nothing. */
export async function listApprovals(
  ctx: ServerContext,
  filter: { clientId?: string; username?: string },
): Promise<ApprovalView[]> {
  const app =
    filter.clientId === undefined ? undefined : await ctx.store.apps.findByClientId(filter.clientId);
  const user =
    filter.username === undefined ? undefined : await ctx.store.users.findByUsername(filter.username);
  if ((filter.clientId !== undefined && !app) || (filter.username !== undefined && !user)) return [];
  const list = await ctx.store.approvals.list({ appId: app?.id, userId: user?.id });
  const apps = new Map<string, App | undefined>();
  const users = new Map<string, User | undefined>();
  const views: ApprovalView[] = [];
  for (const a of list) {
    if (!apps.has(a.appId)) apps.set(a.appId, await ctx.store.apps.findById(a.appId));
    if (!users.has(a.userId)) users.set(a.userId, await ctx.store.users.findById(a.userId));
    views.push(approvalView(a, apps.get(a.appId), users.get(a.userId)));
  }
  return views;
}

/**
 * Deletes the approval and revokes the app's live access tokens for that user: the recorded
 * ones in their rows (counted), the stateless JWTs by a cutoff — every one of the pair issued
 * up to now (oauth/tokens/revocations.ts).
 */
export async function revokeApproval(ctx: ServerContext, id: string): Promise<{ revokedTokens: number }> {
  const a = await ctx.store.approvals.findById(id);
  if (!a || !(await ctx.store.approvals.delete(id)))
    throw new OAuthError('not_found', 'no approval with that id');
  const now = ctx.now();
  const revokedTokens = await ctx.store.accessTokens.revokeForAppUser(a.appId, a.userId, now);
  await ctx.revocations.revokeAppUser(a.appId, a.userId, now);
  // …and the refresh families issued under it, with their access tokens: the approval was their
  // authority (RFC 7009 §2.1, RFC 9700 §4.14). Later JWT/SAML bearer grants fail for want of it.
  await revokeApprovalRefreshFamilies(ctx, id);
  return { revokedTokens };
}
