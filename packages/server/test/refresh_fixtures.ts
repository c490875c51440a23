/**
 * Test helper for the refresh-token tests: an app, a user with an approval, and
 * families started the way the authorization_code grant starts them
 * (startRefreshFamily), plus the first access token of the family.
 */
import assert from 'node:assert/strict';
import { KeyPrefix, newId } from '../src/domain/ids.ts';
import type { App, User } from '../src/domain/types.ts';
import { issueAccessToken } from '../src/oauth/tokens/access_token.ts';
import { startRefreshFamily } from '../src/oauth/tokens/refresh_token.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { basic, type HttpResult, type TestServer } from './harness.ts';

export const TOKEN = '/services/oauth2/token';
export const REVOKE = '/services/oauth2/revoke';
export const INTROSPECT = '/services/oauth2/introspect';
export const ROOT = `/services/data/v${API_VERSION}/`;
export const EXPIRED = { error: 'invalid_grant', error_description: 'expired access/refresh token' };

export interface RefreshClient {
  app: App;
  clientId: string;
  secret: string;
  user: User;
  approvalId: string;
  /** Starts a family as a code exchange would: first refresh token and access token. */
  start(scopes?: string[]): Promise<{ refreshToken: string; accessToken: string; familyId: string }>;
  /** grant_type=refresh_token with the secret in a Basic header (unless `auth: false`). */
  refresh(token: string, extra?: Record<string, string>, o?: { auth?: boolean }): Promise<HttpResult>;
  /** PATCHes the app's refreshToken policies through the admin API. */
  policy(p: Record<string, unknown>): Promise<void>;
}

export async function refreshClient(
  s: TestServer,
  o: { app?: Record<string, unknown>; scopes?: string[] } = {},
): Promise<RefreshClient> {
  const user = await s.newUser();
  const scopes = o.scopes ?? ['api', 'id', 'refresh_token'];
  const { app, clientSecret } = await s.newApp({ scopes, ...o.app });
  const now = s.ctx.now();
  const approval = await s.ctx.store.approvals.upsert({
    id: newId(KeyPrefix.approval),
    appId: app.id,
    userId: user.id,
    scopes,
    source: 'consent',
    createdAt: now,
    updatedAt: now,
  });
  const c: RefreshClient = {
    app,
    clientId: app.clientId,
    secret: clientSecret,
    user,
    approvalId: approval.id,
    async start(granted = scopes) {
      const fresh = (await s.ctx.store.apps.findById(app.id))!;
      const started = await startRefreshFamily(s.ctx, {
        app: fresh,
        user,
        approvalId: approval.id,
        scopes: granted,
      });
      assert.ok(started, 'a family was started');
      const at = await issueAccessToken(s.ctx, {
        app: fresh,
        user,
        scopes: granted,
        grantType: 'authorization_code',
        familyId: started.familyId,
      });
      return { ...started, accessToken: at.token };
    },
    refresh(token, extra = {}, opts = {}) {
      const headers: Record<string, string> =
        opts.auth === false ? {} : { authorization: basic(app.clientId, clientSecret) };
      return s.form(TOKEN, { grant_type: 'refresh_token', refresh_token: token, ...extra }, headers);
    },
    async policy(p) {
      const r = await s.admin('PATCH', `/admin/v1/apps/${app.clientId}`, { refreshToken: p });
      assert.equal(r.status, 200, r.text);
    },
  };
  return c;
}

/** The protected API with a bearer token: 200, or Salesforce's 401. */
export function api(s: TestServer, token: string): Promise<HttpResult> {
  return s.get(ROOT, { authorization: `Bearer ${token}` });
}

export function introspect(s: TestServer, c: RefreshClient, token: string, hint?: string) {
  return s.form(
    INTROSPECT,
    { token, ...(hint ? { token_type_hint: hint } : {}) },
    { authorization: basic(c.clientId, c.secret) },
  );
}

export function assertExpired(r: HttpResult): void {
  assert.equal(r.status, 400, r.text);
  assert.deepEqual(r.body, EXPIRED);
}

/** The live (not retired) tokens of a family, straight from the store. */
export async function liveTokens(s: TestServer, familyId: string): Promise<number> {
  return (await s.ctx.store.refreshTokens.listTokens(familyId)).filter((t) => t.retiredAt === null).length;
}
