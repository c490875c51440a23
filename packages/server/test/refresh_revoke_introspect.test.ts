/**
 * Refresh tokens at the revocation (RFC 7009) and introspection (RFC 7662) endpoints,
 * and approval revocation, over HTTP on both stores. Revoking a refresh token revokes
 * its family and the family's access tokens (RFC 7009 §2.1; Salesforce does the same);
 * `token_type_hint` is only a hint; introspection has no side effects.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import {
  api,
  assertExpired,
  introspect,
  liveTokens,
  REVOKE,
  type RefreshClient,
  refreshClient,
} from './refresh_fixtures.ts';

const T0 = Math.floor(Date.now() / 1000) * 1000;

for (const kind of DB_KINDS) {
  describe(`refresh tokens at revoke and introspect (${kind})`, () => {
    let s: TestServer;
    let clock = T0;
    let c: RefreshClient;
    let other: RefreshClient;

    before(async () => {
      s = await startTestServer(kind, { now: () => clock });
      c = await refreshClient(s, { app: { refreshToken: { policy: 'expire_if_unused', seconds: 3600 } } });
      other = await refreshClient(s);
    });
    after(() => s.stop());

    test('introspection of a live refresh token, with and without a hint', async () => {
      const f = await c.start();
      for (const hint of [undefined, 'refresh_token', 'access_token']) {
        const r = await introspect(s, c, f.refreshToken, hint);
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, {
          active: true,
          scope: 'api id refresh_token',
          client_id: c.clientId,
          username: c.user.username,
          sub: `${s.url}/id/${s.ctx.orgId}/${c.user.id}`,
          user_id: c.user.id,
          token_type: 'refresh_token',
          exp: Math.floor(clock / 1000) + 3600,
          iat: Math.floor(clock / 1000),
          nbf: Math.floor(clock / 1000),
          iss: s.url,
        });
      }
    });

    test('after rotation the old token is inactive and the new one active; no reuse is triggered', async () => {
      const f = await c.start();
      const r = await c.refresh(f.refreshToken);
      assert.deepEqual((await introspect(s, c, f.refreshToken)).body, { active: false });
      // Introspecting a retired token is not presenting it for use.
      assert.equal((await introspect(s, c, r.body.refresh_token)).body.active, true);
      assert.equal((await c.refresh(r.body.refresh_token)).status, 200);
    });

    test("another app's introspection sees inactive; an idle-expired token is inactive", async () => {
      const f = await c.start();
      assert.deepEqual((await introspect(s, other, f.refreshToken)).body, { active: false });
      clock += 3600_000;
      assert.deepEqual((await introspect(s, c, f.refreshToken)).body, { active: false });
    });

    test('revoking a refresh token revokes its family and its access tokens (with any hint)', async () => {
      for (const hint of [undefined, 'refresh_token', 'access_token']) {
        const f = await c.start();
        const r = await c.refresh(f.refreshToken);
        const res = await s.form(REVOKE, {
          token: r.body.refresh_token,
          ...(hint ? { token_type_hint: hint } : {}),
        });
        assert.equal(res.status, 200);
        assertExpired(await c.refresh(r.body.refresh_token));
        for (const at of [f.accessToken, r.body.access_token]) {
          assert.equal((await api(s, at)).status, 401);
          assert.deepEqual((await introspect(s, c, at)).body, { active: false });
        }
        assert.deepEqual((await introspect(s, c, r.body.refresh_token)).body, { active: false });
        assert.equal(await liveTokens(s, f.familyId), 0);
      }
    });

    test('a client revoking with its credentials; another client may not revoke it', async () => {
      const f = await c.start();
      const refused = await s.form(
        REVOKE,
        { token: f.refreshToken },
        { authorization: basic(other.clientId, other.secret) },
      );
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'unauthorized_client');
      assert.equal((await api(s, f.accessToken)).status, 200);
      const ok = await s.form(
        REVOKE,
        { token: f.refreshToken },
        { authorization: basic(c.clientId, c.secret) },
      );
      assert.equal(ok.status, 200);
      assert.equal((await api(s, f.accessToken)).status, 401);
    });

    test('revoking only an access token leaves the refresh token working', async () => {
      const f = await c.start();
      assert.equal((await s.form(REVOKE, { token: f.accessToken })).status, 200);
      assert.equal((await api(s, f.accessToken)).status, 401);
      assert.equal((await c.refresh(f.refreshToken)).status, 200);
    });

    test('revoking an unknown or already revoked refresh token answers 200 (RFC 7009 §2.2)', async () => {
      const f = await c.start();
      assert.equal((await s.form(REVOKE, { token: f.refreshToken })).status, 200);
      assert.equal((await s.form(REVOKE, { token: f.refreshToken })).status, 200);
      assert.equal((await s.form(REVOKE, { token: '5Aep861unknown' })).status, 200);
    });

    test('deleting an approval revokes its families and their access tokens; others stay', async () => {
      const a = await refreshClient(s);
      const f1 = await a.start();
      const f2 = await a.start();
      const rotated = await a.refresh(f2.refreshToken);
      const b = await refreshClient(s);
      const kept = await b.start();

      const del = await s.admin('DELETE', `/admin/v1/approvals/${a.approvalId}`);
      assert.equal(del.status, 204, del.text);
      assertExpired(await a.refresh(f1.refreshToken));
      assertExpired(await a.refresh(rotated.body.refresh_token));
      for (const at of [f1.accessToken, f2.accessToken, rotated.body.access_token]) {
        assert.equal((await api(s, at)).status, 401);
      }
      for (const id of [f1.familyId, f2.familyId]) {
        assert.equal((await s.ctx.store.refreshTokens.findFamily(id))?.revokedAt, clock);
      }
      // A new approval for the same app and user does not revive them.
      await s.admin('POST', '/admin/v1/approvals', {
        clientId: a.clientId,
        username: a.user.username,
        scopes: ['api', 'refresh_token'],
      });
      assertExpired(await a.refresh(f1.refreshToken));
      assert.equal((await b.refresh(kept.refreshToken)).status, 200);
      assert.equal((await s.admin('DELETE', `/admin/v1/approvals/${a.approvalId}`)).status, 404);
    });
  });
}
