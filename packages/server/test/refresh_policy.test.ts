/**
 * The refresh token policies (Salesforce's Refresh Token Policy, salesforce-flows.md §4;
 * RFC 9700 §4.14.2 lifetime and inactivity) over HTTP on both stores, with the server's
 * clock moved by hand: valid until revoked, immediately, expire after N (a family
 * lifetime rotation never extends), expire if unused for N, the absolute maximum, rotation
 * off; and the admin validation of the policy fields.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startRefreshFamily } from '../src/oauth/tokens/refresh_token.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import { assertExpired, liveTokens, type RefreshClient, refreshClient } from './refresh_fixtures.ts';

const T0 = Math.floor(Date.now() / 1000) * 1000;
const S = 1000;
const DAY = 86_400 * S;

for (const kind of DB_KINDS) {
  describe(`refresh token policies (${kind})`, () => {
    let s: TestServer;
    let clock = T0;
    const advance = (ms: number) => {
      clock += ms;
    };

    before(async () => {
      s = await startTestServer(kind, { now: () => clock });
    });
    after(() => s.stop());

    /** Refreshes and returns the successor, asserting 200. */
    async function ok(c: RefreshClient, token: string): Promise<string> {
      const r = await c.refresh(token);
      assert.equal(r.status, 200, r.text);
      return r.body.refresh_token ?? token;
    }

    test('until_revoked (default): a token works after a year; the family keeps rotating', async () => {
      const c = await refreshClient(s);
      let rt = (await c.start()).refreshToken;
      advance(365 * DAY);
      rt = await ok(c, rt);
      advance(365 * DAY);
      await ok(c, rt);
    });

    test('immediately: no refresh token is issued; set later, it ends existing families', async () => {
      const c = await refreshClient(s, { app: { refreshToken: { policy: 'immediately' } } });
      const app = (await s.ctx.store.apps.findById(c.app.id))!;
      const none = await startRefreshFamily(s.ctx, {
        app,
        user: c.user,
        approvalId: c.approvalId,
        scopes: ['api', 'refresh_token'],
      });
      assert.equal(none, null);

      const d = await refreshClient(s);
      const f = await d.start();
      await d.policy({ policy: 'immediately' });
      assertExpired(await d.refresh(f.refreshToken));
      // Not a reuse: the family was not revoked, so relaxing the policy brings it back.
      await d.policy({ policy: 'until_revoked' });
      await ok(d, f.refreshToken);
    });

    test('no refresh_token / offline_access scope: no family is started', async () => {
      const c = await refreshClient(s, { scopes: ['api', 'id'] });
      const app = (await s.ctx.store.apps.findById(c.app.id))!;
      assert.equal(
        await startRefreshFamily(s.ctx, {
          app,
          user: c.user,
          approvalId: c.approvalId,
          scopes: ['api', 'id'],
        }),
        null,
      );
      const off = await refreshClient(s, { scopes: ['api', 'offline_access'] });
      assert.ok((await off.start()).refreshToken);
    });

    test('expire_after N: counted from the family start; rotation never extends it', async () => {
      const c = await refreshClient(s, { app: { refreshToken: { policy: 'expire_after', seconds: 3600 } } });
      const f = await c.start();
      let rt = f.refreshToken;
      for (let i = 0; i < 5; i++) {
        advance(700 * S);
        rt = await ok(c, rt);
      }
      // 3500 s in: one more rotation still works…
      rt = await ok(c, rt);
      advance(100 * S);
      // …and at exactly 3600 s the family is over, however fresh its newest token.
      assertExpired(await c.refresh(rt));
      assert.equal(await liveTokens(s, f.familyId), 1, 'expiry is not revocation');
    });

    test('maxLifetimeSeconds: an absolute end fixed at the start, on top of another policy', async () => {
      const c = await refreshClient(s, {
        app: { refreshToken: { policy: 'expire_if_unused', seconds: 600, maxLifetimeSeconds: 1800 } },
      });
      let rt = (await c.start()).refreshToken;
      // Raising the cap later does not stretch a family that already started.
      await c.policy({ maxLifetimeSeconds: 86_400 });
      for (let i = 0; i < 3; i++) {
        advance(590 * S);
        rt = await ok(c, rt);
      }
      advance(30 * S);
      assertExpired(await c.refresh(rt));
    });

    test('expire_if_unused N: a sliding window reset by each use', async () => {
      const c = await refreshClient(s, {
        app: { refreshToken: { policy: 'expire_if_unused', seconds: 600 } },
      });
      let rt = (await c.start()).refreshToken;
      for (let i = 0; i < 4; i++) {
        advance(599 * S);
        rt = await ok(c, rt);
      }
      advance(600 * S);
      assertExpired(await c.refresh(rt));
    });

    test('expire_if_unused without rotation: each use moves the window of the same token', async () => {
      const c = await refreshClient(s, {
        app: { refreshToken: { policy: 'expire_if_unused', seconds: 600, rotate: false } },
      });
      const f = await c.start();
      for (let i = 0; i < 3; i++) {
        advance(599 * S);
        const r = await c.refresh(f.refreshToken);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.refresh_token, undefined, 'Salesforce sends none without rotation');
      }
      advance(600 * S);
      assertExpired(await c.refresh(f.refreshToken));
    });

    test('rotate false: the same token works again and again; each use gets a new access token', async () => {
      const c = await refreshClient(s, { app: { refreshToken: { rotate: false } } });
      const f = await c.start();
      const a = await c.refresh(f.refreshToken);
      const b = await c.refresh(f.refreshToken);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      assert.notEqual(a.body.access_token, b.body.access_token);
      assert.equal(await liveTokens(s, f.familyId), 1);
      const [t] = await s.ctx.store.refreshTokens.listTokens(f.familyId);
      assert.equal(t?.lastUsedAt, clock);
    });

    test('the admin API validates and shows the refresh policy fields', async () => {
      const c = await refreshClient(s);
      const view = await s.admin('GET', `/admin/v1/apps/${c.clientId}`);
      assert.deepEqual(view.body.refreshToken, {
        policy: 'until_revoked',
        seconds: null,
        rotate: true,
        requireSecret: true,
        graceSeconds: 0,
        maxLifetimeSeconds: null,
      });
      const patch = (refreshToken: unknown) =>
        s.admin('PATCH', `/admin/v1/apps/${c.clientId}`, { refreshToken });
      const refusals: [unknown, string][] = [
        [{ requireSecret: false, rotate: false }, 'refreshToken.rotate'],
        [{ graceSeconds: 61 }, 'refreshToken.graceSeconds'],
        [{ graceSeconds: -1 }, 'refreshToken.graceSeconds'],
        [{ graceSeconds: 10, requireSecret: false }, 'refreshToken.graceSeconds'],
        [{ graceSeconds: 10, rotate: false }, 'refreshToken.graceSeconds'],
        [{ maxLifetimeSeconds: 59 }, 'refreshToken.maxLifetimeSeconds'],
        [{ requireSecret: 'no' }, 'refreshToken.requireSecret'],
        [{ policy: 'expire_after', seconds: null }, 'refreshToken.seconds'],
        [{ sliding: true }, 'refreshToken.sliding'],
      ];
      for (const [body, field] of refusals) {
        const r = await patch(body);
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
        assert.equal(r.body.field, field, JSON.stringify(body));
      }
      const good = await patch({ graceSeconds: 30, maxLifetimeSeconds: 7_776_000 });
      assert.equal(good.status, 200, good.text);
      assert.equal(good.body.refreshToken.graceSeconds, 30);
      assert.equal(good.body.refreshToken.maxLifetimeSeconds, 7_776_000);
      const pub = await patch({ graceSeconds: 0, requireSecret: false });
      assert.equal(pub.status, 200, pub.text);
      assert.equal(pub.body.refreshToken.requireSecret, false);
    });
  });
}
