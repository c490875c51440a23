/**
 * The per-app daily API request limit over HTTP on both stores: counting (only
 * calls with a valid token, under /services/data/v{n}/), `limits`, the 403
 * `REQUEST_LIMIT_EXCEEDED` beyond it, exactness under concurrency, the UTC day
 * boundary, and the `api.dailyLimit` policy through the admin API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { utcDay } from '../src/resource/limits.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import { apiClient, DATA } from './records_http.ts';

const EXCEEDED = [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];

for (const kind of DB_KINDS) {
  describe(`daily API limit (${kind})`, () => {
    let s: TestServer;
    // A clock the tests move: one minute before a UTC midnight.
    let now = Date.UTC(2030, 0, 1, 23, 59, 0);
    before(async () => {
      s = await startTestServer(kind, { now: () => now });
    });
    after(() => s.stop());

    test('limits reports Max and Remaining; the default is 15000', async () => {
      const c = await apiClient(s);
      const r = await c.get('/limits');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { DailyApiRequests: { Max: 15000, Remaining: 14999 } });
    });

    test('every call with a valid token counts; beyond the limit → 403 REQUEST_LIMIT_EXCEEDED', async () => {
      const c = await apiClient(s, { app: { api: { dailyLimit: 5 } } });
      assert.deepEqual((await c.get('/limits')).body, { DailyApiRequests: { Max: 5, Remaining: 4 } });
      assert.equal((await c.get('/sobjects')).status, 200);
      assert.equal((await c.get('/sobjects/Nothing')).status, 404, 'a 404 is a call too');
      assert.equal((await c.get('/nothing/here')).status, 404);
      // Not counted: no token, a bad token, and the public version list.
      assert.equal((await s.get(`${DATA}/limits`)).status, 401);
      assert.equal((await s.get(`${DATA}/limits`, { authorization: 'Bearer nope' })).status, 401);
      assert.equal((await s.get('/services/data')).status, 200);
      assert.deepEqual((await c.get('/limits')).body, { DailyApiRequests: { Max: 5, Remaining: 0 } });

      for (const path of [
        '/limits',
        '/sobjects',
        `/query?q=${encodeURIComponent('SELECT Id FROM Account')}`,
        '/',
      ]) {
        const r = await c.get(path);
        assert.equal(r.status, 403, path);
        assert.deepEqual(r.body, EXCEEDED);
        assert.equal(r.headers.get('www-authenticate'), null, 'not a token problem');
      }
      const post = await c.call('POST', '/sobjects/Account', { Name: 'over the limit' });
      assert.equal(post.status, 403);
      assert.equal((await s.ctx.store.records.list(s.ctx.orgId, 'Account')).length, 0, 'nothing was written');

      // The limit is the app's: another app of the same user still works.
      const other = await apiClient(s, { user: c.user });
      assert.equal((await other.get('/sobjects')).status, 200);
    });

    test('concurrent calls: exactly the limit succeed', async () => {
      const c = await apiClient(s, { app: { api: { dailyLimit: 10 } } });
      const rs = await Promise.all(Array.from({ length: 25 }, () => c.get('/sobjects')));
      const statuses = rs.map((r) => r.status).sort();
      assert.deepEqual(statuses, [...Array(10).fill(200), ...Array(15).fill(403)]);
      assert.equal(await s.ctx.store.apiUsage.count(c.app.id, utcDay(now)), 25);
    });

    test('a new UTC day starts a new count', async () => {
      const c = await apiClient(s, { app: { api: { dailyLimit: 1 } } });
      assert.equal((await c.get('/sobjects')).status, 200);
      assert.equal((await c.get('/sobjects')).status, 403);
      now += 2 * 60_000; // 00:01 the next day
      assert.equal((await c.get('/sobjects')).status, 200);
      assert.equal((await c.get('/sobjects')).status, 403);
    });

    test('api.dailyLimit through the admin API: set, validated, applied at once', async () => {
      const c = await apiClient(s, { app: { api: { dailyLimit: 1 } } });
      assert.equal((await c.get('/sobjects')).status, 200);
      assert.equal((await c.get('/sobjects')).status, 403);
      const patched = await s.admin('PATCH', `/admin/v1/apps/${c.app.clientId}`, {
        api: { dailyLimit: 100 },
      });
      assert.equal(patched.status, 200, patched.text);
      // The token minted before the change works under the new limit: it is read per call.
      const r = await c.get('/limits');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { DailyApiRequests: { Max: 100, Remaining: 97 } });

      for (const api of [{ dailyLimit: -1 }, { dailyLimit: 1.5 }, { dailyLimit: '10' }, { perHour: 1 }]) {
        const bad = await s.admin('PATCH', `/admin/v1/apps/${c.app.clientId}`, { api });
        assert.equal(bad.status, 400, JSON.stringify(api));
      }
    });
  });
}
