// jsforce 3, unmodified, in the web server flow (clients.md §1): `oauth2.getAuthorizationUrl`
// with PKCE (`useVerifier`: a challenge without a method, a 171-character verifier), the
// user's sign-in and consent, `conn.authorize(code)` (client_secret_post + redirect_uri +
// code_verifier), a REST call, and `oauth2.refreshToken`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Connection, OAuth2 } from 'jsforce';
import { API_VERSION } from '../src/resource/versions.ts';
import { CALLBACK, codeClient, obtainCode } from './authorize_flow.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

// jsforce ignores NO_PROXY (clients.md gotcha 6).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

for (const kind of DB_KINDS) {
  describe(`jsforce web server flow (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s.stop());

    test('getAuthorizationUrl → sign-in and consent → conn.authorize(code) → REST → refresh', {
      timeout: 20_000,
    }, async () => {
      const c = await codeClient(s);
      const oauth2 = new OAuth2({
        loginUrl: s.url,
        clientId: c.app.clientId,
        clientSecret: c.secret,
        redirectUri: CALLBACK,
        useVerifier: true,
      });
      const url = new URL(oauth2.getAuthorizationUrl({ scope: 'api id refresh_token', state: 'js-state' }));
      assert.equal(url.origin + url.pathname, `${s.url}/services/oauth2/authorize`);
      assert.equal(url.searchParams.get('code_challenge_method'), null, 'jsforce sends no method');
      const { code, location } = await obtainCode(s, c, Object.fromEntries(url.searchParams));
      assert.equal(location.searchParams.get('state'), 'js-state');

      const conn = new Connection({ oauth2, version: API_VERSION });
      const userInfo = await conn.authorize(code);
      assert.equal(userInfo.id, c.user.id);
      assert.equal(userInfo.organizationId, s.ctx.orgId);
      assert.equal(conn.instanceUrl, s.url);
      assert.ok(conn.refreshToken);
      const root = await conn.request<Record<string, string>>(`/services/data/v${API_VERSION}/`);
      assert.equal(root.sobjects, `/services/data/v${API_VERSION}/sobjects`);

      const refreshed = await oauth2.refreshToken(conn.refreshToken!);
      assert.ok(refreshed.access_token);
      assert.notEqual(refreshed.access_token, conn.accessToken);
    });
  });
}
