/**
 * jsforce 3, unmodified, with `oauth2: {clientId, clientSecret, loginUrl}` and a
 * `refreshToken` (clients.md §1.3): when its access token expires (the server's clock
 * is moved past the TTL), the REST call answers 401 INVALID_SESSION_ID, jsforce runs its
 * built-in refresh (grant_type=refresh_token) and retries, by itself.
 * jsforce does not keep a rotated refresh token; an app that rotates must save it from
 * the 'refresh' event, and one that does not is caught by reuse detection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Connection } from 'jsforce';
import { API_VERSION } from '../src/resource/versions.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import { type RefreshClient, ROOT, refreshClient } from './refresh_fixtures.ts';

// jsforce ignores NO_PROXY (clients.md gotcha 6).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

const LIMIT = { timeout: 20_000 };
const TTL = 600;

for (const kind of DB_KINDS) {
  describe(`jsforce refreshes by itself (${kind})`, () => {
    let s: TestServer;
    let clock = Math.floor(Date.now() / 1000) * 1000;
    const expireAccessToken = () => {
      clock += (TTL + 1) * 1000;
    };

    before(async () => {
      s = await startTestServer(kind, { now: () => clock });
    });
    after(() => s.stop());

    async function connect(c: RefreshClient) {
      const f = await c.start();
      const conn = new Connection({
        oauth2: { clientId: c.clientId, clientSecret: c.secret, loginUrl: s.url },
        instanceUrl: s.url,
        accessToken: f.accessToken,
        refreshToken: f.refreshToken,
        version: API_VERSION,
      });
      const events: { accessToken: string; refreshToken?: string }[] = [];
      conn.on('refresh', (accessToken: string, res: { refresh_token?: string }) => {
        events.push({ accessToken, refreshToken: res?.refresh_token });
      });
      return { conn, events, family: f };
    }

    test('rotation off: 401 → refresh → retry, twice, with the same refresh token', LIMIT, async () => {
      const c = await refreshClient(s, {
        app: { refreshToken: { rotate: false }, accessToken: { format: 'opaque', ttlSeconds: TTL } },
      });
      const { conn, events, family } = await connect(c);
      const root = await conn.request<Record<string, string>>(ROOT);
      assert.equal(root.sobjects, `/services/data/v${API_VERSION}/sobjects`);
      assert.equal(events.length, 0);

      for (let i = 1; i <= 2; i++) {
        const before = conn.accessToken;
        expireAccessToken();
        const again = await conn.request<Record<string, string>>(ROOT);
        assert.equal(again.sobjects, root.sobjects);
        assert.equal(events.length, i, 'one refresh per expiry');
        assert.notEqual(conn.accessToken, before);
        assert.equal(conn.refreshToken, family.refreshToken);
        assert.equal(events[i - 1]!.refreshToken, undefined);
      }
      assert.equal(conn.instanceUrl, s.url);
      assert.equal(conn.userInfo?.id, c.user.id);
      assert.equal(conn.userInfo?.organizationId, s.ctx.orgId);
    });

    test(
      'rotation on, the app saves the rotated token from the refresh event: keeps working',
      LIMIT,
      async () => {
        const c = await refreshClient(s, { app: { accessToken: { format: 'jwt', ttlSeconds: TTL } } });
        const { conn, events } = await connect(c);
        conn.on('refresh', (_at: string, res: { refresh_token?: string }) => {
          if (res.refresh_token) conn.refreshToken = res.refresh_token;
        });
        for (let i = 1; i <= 3; i++) {
          expireAccessToken();
          const root = await conn.request<Record<string, string>>(ROOT);
          assert.equal(typeof root.sobjects, 'string');
          assert.equal(events.length, i);
          assert.equal(conn.refreshToken, events[i - 1]!.refreshToken);
        }
      },
    );

    test('parallel requests after expiry share one refresh (jsforce single-flight)', LIMIT, async () => {
      const c = await refreshClient(s, { app: { accessToken: { format: 'opaque', ttlSeconds: TTL } } });
      const { conn, events } = await connect(c);
      expireAccessToken();
      const results = await Promise.all([conn.request(ROOT), conn.request(ROOT), conn.request(ROOT)]);
      assert.equal(results.length, 3);
      assert.equal(events.length, 1);
    });

    test(
      'rotation on, the app ignores the rotated token: the 2nd refresh is reuse and fails',
      LIMIT,
      async () => {
        const c = await refreshClient(s, { app: { accessToken: { format: 'opaque', ttlSeconds: TTL } } });
        const { conn, events, family } = await connect(c);
        expireAccessToken();
        await conn.request(ROOT);
        assert.equal(events.length, 1);
        expireAccessToken();
        await assert.rejects(conn.request(ROOT), (e: Error) => {
          assert.match(e.message, /expired access\/refresh token/);
          return true;
        });
        const fam = await s.ctx.store.refreshTokens.findFamily(family.familyId);
        assert.equal(fam?.revokedAt, clock, 'presenting the retired token ended the family');
      },
    );
  });
}
