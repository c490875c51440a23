/**
 * Reuse detection (RFC 9700 §4.14.2, security catalogue §6 items 4–5) and the grace
 * window over HTTP on both stores: a retired refresh token presented again revokes the
 * whole family and its access tokens and writes a `refresh_reuse` audit event — unless
 * it is a retry of the very same refresh, by the same client, within the app's grace
 * window, which gets the same successor pair back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import {
  api,
  assertExpired,
  introspect,
  liveTokens,
  type RefreshClient,
  refreshClient,
} from './refresh_fixtures.ts';

const T0 = Math.floor(Date.now() / 1000) * 1000;

for (const kind of DB_KINDS) {
  describe(`refresh token reuse and grace window (${kind})`, () => {
    let s: TestServer;
    let clock = T0;

    before(async () => {
      s = await startTestServer(kind, { now: () => clock });
    });
    after(() => s.stop());

    async function assertFamilyDead(c: RefreshClient, familyId: string, accessTokens: string[]) {
      const fam = await s.ctx.store.refreshTokens.findFamily(familyId);
      assert.equal(fam?.revokedAt, clock);
      assert.equal(await liveTokens(s, familyId), 0);
      for (const at of accessTokens) {
        assert.equal((await api(s, at)).status, 401);
        assert.deepEqual((await introspect(s, c, at)).body, { active: false });
      }
    }

    test('a retired token presented again revokes the family and its access tokens; audited', async () => {
      const c = await refreshClient(s);
      const f = await c.start();
      const first = await c.refresh(f.refreshToken);
      assert.equal(first.status, 200);
      const second = await c.refresh(first.body.refresh_token);
      assert.equal(second.status, 200);

      // An attacker (or a confused client) replays the first token.
      assertExpired(await c.refresh(f.refreshToken));
      await assertFamilyDead(c, f.familyId, [
        f.accessToken,
        first.body.access_token,
        second.body.access_token,
      ]);
      // The newest token of the family is dead too: the legitimate client must re-authorise.
      assertExpired(await c.refresh(second.body.refresh_token));

      const audit = await s.admin('GET', `/admin/v1/audit?clientId=${c.clientId}`);
      const reuse = audit.body.filter((e: { event: string }) => e.event === 'refresh_reuse');
      assert.equal(reuse.length, 1, 'one event; presenting tokens of a revoked family is not new reuse');
      assert.equal(reuse[0].result, 'failure');
      assert.equal(reuse[0].errorCode, 'invalid_grant');
      assert.equal(reuse[0].grantType, 'refresh_token');
      assert.equal(reuse[0].userId, c.user.id);
      assert.equal(reuse[0].username, c.user.username);
      assert.equal(reuse[0].sourceIp, '127.0.0.1');
      assert.ok(!audit.text.includes(f.refreshToken));
    });

    test("reuse ends only that family: the user's other family and other apps are untouched", async () => {
      const c = await refreshClient(s);
      const doomed = await c.start();
      const kept = await c.start();
      const r = await c.refresh(doomed.refreshToken);
      assertExpired(await c.refresh(doomed.refreshToken));
      assertExpired(await c.refresh(r.body.refresh_token));
      assert.equal((await api(s, kept.accessToken)).status, 200);
      assert.equal((await c.refresh(kept.refreshToken)).status, 200);
    });

    test('another client presenting a retired token gets invalid_grant; the family lives on', async () => {
      const c = await refreshClient(s);
      const other = await refreshClient(s);
      const f = await c.start();
      const r = await c.refresh(f.refreshToken);
      assertExpired(await other.refresh(f.refreshToken));
      assert.equal((await c.refresh(r.body.refresh_token)).status, 200);
    });

    describe('grace window', () => {
      let c: RefreshClient;
      before(async () => {
        c = await refreshClient(s, { app: { refreshToken: { graceSeconds: 30 } } });
      });

      test('a retry within the window gets the same refresh and access token (no new branch)', async () => {
        const f = await c.start();
        const first = await c.refresh(f.refreshToken);
        assert.equal(first.status, 200);
        clock += 10_000;
        const retry = await c.refresh(f.refreshToken);
        assert.equal(retry.status, 200, retry.text);
        assert.equal(retry.body.refresh_token, first.body.refresh_token);
        assert.equal(retry.body.access_token, first.body.access_token);
        assert.equal(retry.body.issued_at, first.body.issued_at);
        assert.equal(retry.body.expires_in, 7200 - 10);
        assert.equal(retry.body.signature, first.body.signature);
        assert.equal(await liveTokens(s, f.familyId), 1);
        // The successor works, and from then on the retired token is plain reuse.
        const next = await c.refresh(first.body.refresh_token);
        assert.equal(next.status, 200);
        assertExpired(await c.refresh(f.refreshToken));
        await assertFamilyDead(c, f.familyId, [first.body.access_token, next.body.access_token]);
      });

      test('after the window the retry is reuse', async () => {
        const f = await c.start();
        const first = await c.refresh(f.refreshToken);
        clock += 30_000;
        assertExpired(await c.refresh(f.refreshToken));
        await assertFamilyDead(c, f.familyId, [first.body.access_token]);
      });

      test('a different scope parameter is not the same refresh: reuse', async () => {
        const f = await c.start();
        const first = await c.refresh(f.refreshToken, { scope: 'api' });
        assert.equal(first.status, 200);
        assert.equal(
          (await c.refresh(f.refreshToken, { scope: 'api' })).body.refresh_token,
          first.body.refresh_token,
        );
        assertExpired(await c.refresh(f.refreshToken));
        await assertFamilyDead(c, f.familyId, [first.body.access_token]);
      });

      test('a retry after its access token was revoked is reuse', async () => {
        const f = await c.start();
        const first = await c.refresh(f.refreshToken);
        assert.equal(
          (await s.form('/services/oauth2/revoke', { token: first.body.access_token })).status,
          200,
        );
        assertExpired(await c.refresh(f.refreshToken));
        assert.equal((await s.ctx.store.refreshTokens.findFamily(f.familyId))?.revokedAt, clock);
      });

      test('the window is per app and off by default', async () => {
        const strict = await refreshClient(s);
        const f = await strict.start();
        await strict.refresh(f.refreshToken);
        assertExpired(await strict.refresh(f.refreshToken));
        assert.equal((await s.ctx.store.refreshTokens.findFamily(f.familyId))?.revokedAt, clock);
      });

      test('at rest: the seal does not contain the successor; it is wiped once the successor is used', async () => {
        const f = await c.start();
        const first = await c.refresh(f.refreshToken);
        const [parent] = (await s.ctx.store.refreshTokens.listTokens(f.familyId)).filter(
          (t) => t.retiredAt !== null,
        );
        assert.ok(parent?.graceSealed);
        assert.ok(!parent.graceSealed.includes(first.body.refresh_token));
        assert.ok(!Buffer.from(parent.graceSealed, 'base64url').toString('latin1').includes('5Aep861'));
        await c.refresh(first.body.refresh_token);
        const after = (await s.ctx.store.refreshTokens.listTokens(f.familyId)).find(
          (t) => t.hash === parent.hash,
        );
        assert.equal(after?.graceSealed, null);
      });
    });
  });
}
