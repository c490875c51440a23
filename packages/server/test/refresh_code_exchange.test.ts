/**
 * Refresh tokens from a real code exchange (sign-in → consent → code → exchange,
 * test/authorize_flow.ts), over HTTP on both stores: the exchange starts a family whose
 * first access token is revoked with it; rotation, reuse and RFC 7009 revocation reach
 * it; a public client (PKCE, requireSecret false) refreshes with client_id alone; and
 * revoking the approval ends the family.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findAccessTokenRecord } from '../src/oauth/tokens/access_token.ts';
import { type Client, codeClient, exchange, obtainCode, pkce } from './authorize_flow.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import { api, assertExpired, REVOKE, TOKEN } from './refresh_fixtures.ts';

for (const kind of DB_KINDS) {
  describe(`refresh tokens from a code exchange (${kind})`, () => {
    let s: TestServer;

    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s.stop());

    /** authorize → sign in → consent → exchange with PKCE; returns the token response body. */
    async function tokens(c: Client, auth = true) {
      const { verifier, challenge } = pkce();
      const { code } = await obtainCode(s, c, {
        scope: 'api id refresh_token',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const extra: Record<string, string> = auth ? {} : { client_id: c.app.clientId };
      const r = await exchange(s, c, { code, code_verifier: verifier, ...extra }, { auth });
      assert.equal(r.status, 200, r.text);
      return r.body;
    }

    const refresh = (c: Client, token: string) =>
      s.form(
        TOKEN,
        { grant_type: 'refresh_token', refresh_token: token },
        { authorization: basic(c.app.clientId, c.secret) },
      );

    test('the exchange starts a family; its access token belongs to it and dies with it', async () => {
      const c = await codeClient(s);
      const t = await tokens(c);
      assert.match(t.refresh_token, /^5Aep861/);
      const rec = await findAccessTokenRecord(s.ctx, t.access_token);
      assert.ok(rec?.familyId);
      const r1 = await refresh(c, t.refresh_token);
      assert.equal(r1.status, 200, r1.text);
      const r2 = await refresh(c, r1.body.refresh_token);
      assert.equal(r2.status, 200, r2.text);
      assert.equal((await api(s, t.access_token)).status, 200);

      // Reuse of the exchange's refresh token ends everything, the exchange's access token too.
      assertExpired(await refresh(c, t.refresh_token));
      for (const at of [t.access_token, r1.body.access_token, r2.body.access_token]) {
        assert.equal((await api(s, at)).status, 401);
      }
      assertExpired(await refresh(c, r2.body.refresh_token));
    });

    test('RFC 7009: revoking the refresh token revokes the access token of the exchange', async () => {
      const c = await codeClient(s);
      const t = await tokens(c);
      const res = await s.form(
        REVOKE,
        { token: t.refresh_token },
        { authorization: basic(c.app.clientId, c.secret) },
      );
      assert.equal(res.status, 200);
      assert.equal((await api(s, t.access_token)).status, 401);
      assertExpired(await refresh(c, t.refresh_token));
    });

    test('a public client (PKCE, requireSecret false) exchanges and refreshes with client_id alone', async () => {
      const c = await codeClient(s, { app: { refreshToken: { requireSecret: false } } });
      const t = await tokens(c, false);
      const r = await s.form(TOKEN, {
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token,
        client_id: c.app.clientId,
      });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.refresh_token, 'rotated: a public client must rotate (RFC 9700 §4.14.2)');
      assert.equal(r.body.signature, undefined);
    });

    test('revoking the approval ends the family and its access tokens', async () => {
      const c = await codeClient(s);
      const t = await tokens(c);
      const list = await s.admin('GET', `/admin/v1/approvals?clientId=${c.app.clientId}`);
      assert.equal(list.body.length, 1, list.text);
      const del = await s.admin('DELETE', `/admin/v1/approvals/${list.body[0].id}`);
      assert.equal(del.status, 204);
      assertExpired(await refresh(c, t.refresh_token));
      assert.equal((await api(s, t.access_token)).status, 401);
    });

    test('no refresh_token scope asked for: no refresh token', async () => {
      const c = await codeClient(s);
      const { verifier, challenge } = pkce();
      const { code } = await obtainCode(s, c, {
        scope: 'api id',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const r = await exchange(s, c, { code, code_verifier: verifier });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.refresh_token, undefined);
    });
  });
}
