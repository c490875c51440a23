/**
 * Concurrency (security catalogue §6 items 8–9; keycloak CVE-2026-1035, #51312): N
 * parallel refreshes with one token over real HTTP, on SQLite and PostgreSQL, never
 * yield two valid successors. Grace off: exactly one 200, and the others are reuse,
 * which ends the family. Grace on: every request gets the same successor pair and the
 * family keeps exactly one live token. A revocation racing refreshes leaves nothing live.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import { api, assertExpired, EXPIRED, liveTokens, REVOKE, refreshClient } from './refresh_fixtures.ts';

const FROZEN = Math.floor(Date.now() / 1000) * 1000;
const N = 20;
const LIMIT = { timeout: 60_000 };

for (const kind of DB_KINDS) {
  describe(`refresh token races (${kind})`, () => {
    let s: TestServer;

    before(async () => {
      s = await startTestServer(kind, { now: () => FROZEN });
    });
    after(() => s.stop());

    test(
      `grace off: ${N} parallel refreshes with one token → exactly one 200, no valid successor left`,
      LIMIT,
      async () => {
        const c = await refreshClient(s);
        const f = await c.start();
        const results = await Promise.all(Array.from({ length: N }, () => c.refresh(f.refreshToken)));
        const wins = results.filter((r) => r.status === 200);
        assert.equal(wins.length, 1, results.map((r) => r.status).join(','));
        for (const r of results.filter((x) => x.status !== 200)) {
          assert.equal(r.status, 400);
          assert.deepEqual(r.body, EXPIRED);
        }
        // The losers were reuse (RFC 9700 §4.14.2 cannot tell them from an attacker): the
        // family ended, so the single successor is not valid either.
        assertExpired(await c.refresh(wins[0]!.body.refresh_token));
        assert.equal((await api(s, wins[0]!.body.access_token)).status, 401);
        assert.equal(await liveTokens(s, f.familyId), 0);
        const tokens = await s.ctx.store.refreshTokens.listTokens(f.familyId);
        assert.equal(tokens.length, 2, 'one rotation happened, no second branch');
      },
    );

    test(
      `grace on: ${N} parallel refreshes all get the same successor pair; one live token`,
      LIMIT,
      async () => {
        const c = await refreshClient(s, { app: { refreshToken: { graceSeconds: 10 } } });
        const f = await c.start();
        const results = await Promise.all(Array.from({ length: N }, () => c.refresh(f.refreshToken)));
        for (const r of results) assert.equal(r.status, 200, r.text);
        assert.equal(new Set(results.map((r) => r.body.refresh_token)).size, 1);
        assert.equal(new Set(results.map((r) => r.body.access_token)).size, 1);
        assert.equal(await liveTokens(s, f.familyId), 1);
        assert.equal((await s.ctx.store.refreshTokens.listTokens(f.familyId)).length, 2);
        assert.equal((await api(s, results[0]!.body.access_token)).status, 200);
        assert.equal((await c.refresh(results[0]!.body.refresh_token)).status, 200);
      },
    );

    test(
      `rotation off: ${N} parallel refreshes all succeed with their own access tokens`,
      LIMIT,
      async () => {
        const c = await refreshClient(s, { app: { refreshToken: { rotate: false } } });
        const f = await c.start();
        const results = await Promise.all(Array.from({ length: N }, () => c.refresh(f.refreshToken)));
        for (const r of results) assert.equal(r.status, 200, r.text);
        assert.equal(new Set(results.map((r) => r.body.access_token)).size, N);
        assert.equal(await liveTokens(s, f.familyId), 1);
      },
    );

    test(
      'a revocation racing refreshes leaves no live refresh or access token of the family',
      LIMIT,
      async () => {
        for (const graceSeconds of [0, 10]) {
          const c = await refreshClient(s, { app: { refreshToken: { graceSeconds } } });
          const f = await c.start();
          const refreshes = Array.from({ length: N / 2 }, () => c.refresh(f.refreshToken));
          const revoke = s.form(REVOKE, { token: f.refreshToken, token_type_hint: 'refresh_token' });
          const results = await Promise.all(refreshes);
          assert.equal((await revoke).status, 200);
          assert.equal(await liveTokens(s, f.familyId), 0);
          for (const r of results.filter((x) => x.status === 200)) {
            assert.equal((await api(s, r.body.access_token)).status, 401, `grace ${graceSeconds}`);
            assertExpired(await c.refresh(r.body.refresh_token));
          }
          assert.equal((await api(s, f.accessToken)).status, 401);
        }
      },
    );
  });
}
