/**
 * The API usage meter (store/api_usage_meter.ts) on both stores, over real HTTP: the daily
 * limit is exact within one process although calls are counted in memory; pending calls are
 * written at a graceful close and survive a restart; two servers on one database both count,
 * each over the limit by at most what the other had not written; a failed write keeps its
 * counts and the next one writes them. Two `s2s serve` processes on one PostgreSQL database
 * counting at once: the database ends with every call, and each learns the other's at its
 * writes. And ApiUsageStore.incrementMany itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULTS } from '../src/config/index.ts';
import { utcDay } from '../src/resource/limits.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { ApiUsageMeter } from '../src/store/api_usage_meter.ts';
import type { Store } from '../src/store/interfaces.ts';
import { openStore } from '../src/store/open.ts';
import {
  ADMIN_TOKEN,
  DB_KINDS,
  freshDatabase,
  type HttpResult,
  startTestServer,
  type TestDatabase,
  type TestServer,
  toResult,
} from './harness.ts';
import { apiClient, DATA } from './records_http.ts';
import { clientCredentials, type Fixture, fixture, spread } from './scaleout_cases.ts';
import { type Serve, serve } from './scaleout_helpers.ts';
import { onDatabase } from './sql_beside.ts';

const EXCEEDED = [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];
/** Long enough that nothing is written by the timer during a test. */
const NEVER = 60_000;

const today = () => utcDay(Date.now());

/** The database's count, read through a store of its own (no meter). */
async function storedCount(url: string, appId: string): Promise<number> {
  const raw = await openStore(url);
  try {
    return await raw.apiUsage.count(appId, today());
  } finally {
    await raw.close();
  }
}

/** Another server on the same database (as a second process would be). */
function startSecond(s: TestServer, apiUsageFlushMs: number): Promise<RunningServer> {
  return startServer({
    ...DEFAULTS,
    port: 0,
    host: '127.0.0.1',
    databaseUrl: s.databaseUrl,
    demo: false,
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    apiUsageFlushMs,
  });
}

async function call(base: string, token: string, path: string): Promise<HttpResult> {
  return toResult(await fetch(`${base}${DATA}${path}`, { headers: { authorization: `Bearer ${token}` } }));
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

for (const kind of DB_KINDS) {
  describe(`API usage meter (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind, { config: { apiUsageFlushMs: NEVER } });
    });
    after(() => s.stop());

    test('the limit is exact in one process; only the first call of the day is written at once', async () => {
      const c = await apiClient(s, { app: { api: { dailyLimit: 3 } } });
      assert.deepEqual((await c.get('/limits')).body, { DailyApiRequests: { Max: 3, Remaining: 2 } });
      assert.equal((await c.get('/sobjects')).status, 200);
      assert.deepEqual((await c.get('/limits')).body, { DailyApiRequests: { Max: 3, Remaining: 0 } });
      const fourth = await c.get('/sobjects');
      assert.equal(fourth.status, 403);
      assert.deepEqual(fourth.body, EXCEEDED);
      assert.equal((await c.get('/limits')).status, 403);

      assert.equal(await storedCount(s.databaseUrl, c.app.id), 1, 'the other four wait in memory');
      // Reading the usage through the server writes this process's pending calls first.
      assert.equal(await s.ctx.store.apiUsage.count(c.app.id, today()), 5);
      assert.equal(await storedCount(s.databaseUrl, c.app.id), 5);
    });

    test('25 concurrent first calls of the day (the total being read meanwhile): exactly the limit pass', async () => {
      const c = await apiClient(s, { app: { api: { dailyLimit: 10 } } });
      const rs = await Promise.all(Array.from({ length: 25 }, () => c.get('/sobjects')));
      assert.deepEqual(rs.map((r) => r.status).sort(), [...Array(10).fill(200), ...Array(15).fill(403)]);
      assert.equal(await s.ctx.store.apiUsage.count(c.app.id, today()), 25);
    });

    test('two servers on one database: each exact, over the limit together by at most the other’s unwritten calls; all written at close', async () => {
      const c = await apiClient(s, { app: { api: { dailyLimit: 10 } } });
      const second = await startSecond(s, NEVER);
      try {
        const statuses = async (base: string, n: number) => {
          const out: number[] = [];
          for (let i = 0; i < n; i++) out.push((await call(base, c.token, '/sobjects')).status);
          return out;
        };
        // Here: the first call is written (1), the next 9 counted in memory, the 11th refused.
        assert.deepEqual(await statuses(s.url, 11), [...Array(10).fill(200), 403]);
        // The second server reads 1 + its own first call, so it lets 9 pass: 19 in all, 9 over
        // the limit — fewer than the 10 calls the first server had not written.
        assert.deepEqual(await statuses(second.url, 11), [...Array(9).fill(200), 403, 403]);
        assert.equal(await storedCount(s.databaseUrl, c.app.id), 2);
      } finally {
        await second.close();
      }
      // Closing wrote the second server's 10 pending calls; reading through the first writes its 10.
      assert.equal(await storedCount(s.databaseUrl, c.app.id), 12);
      assert.equal(await s.ctx.store.apiUsage.count(c.app.id, today()), 22);
    });

    test('pending calls are written at a graceful close and count after a restart', async () => {
      const c = await apiClient(s, { app: { api: { dailyLimit: 8 } } });
      const first = await startSecond(s, NEVER);
      for (let i = 0; i < 5; i++) assert.equal((await call(first.url, c.token, '/sobjects')).status, 200);
      assert.equal(await storedCount(s.databaseUrl, c.app.id), 1);
      await first.close();
      assert.equal(await storedCount(s.databaseUrl, c.app.id), 5, 'nothing lost');

      const restarted = await startSecond(s, NEVER);
      try {
        assert.deepEqual((await call(restarted.url, c.token, '/limits')).body, {
          DailyApiRequests: { Max: 8, Remaining: 2 },
        });
      } finally {
        await restarted.close();
      }
    });

    test('a failed write keeps its counts; the next one writes them', async () => {
      const lines: string[] = [];
      const t = await startTestServer(kind, {
        config: { apiUsageFlushMs: 100, logLevel: 'warn' },
        logDestination: { write: (line: string) => void lines.push(line) },
      });
      try {
        const meter = t.ctx.store.apiUsage;
        assert.ok(meter instanceof ApiUsageMeter);
        const c = await apiClient(t);
        assert.equal((await c.get('/sobjects')).status, 200);
        await onDatabase(kind, t.databaseUrl, 'alter table api_usage rename to api_usage_away');
        for (let i = 0; i < 5; i++) assert.equal((await c.get('/sobjects')).status, 200, 'served meanwhile');
        const failed = () => lines.some((l) => l.includes('writing the counted calls failed'));
        assert.ok(await until(async () => failed(), 5000), 'the failure is logged');
        assert.equal(meter.pendingCalls, 5, 'and the calls are kept');

        await onDatabase(kind, t.databaseUrl, 'alter table api_usage_away rename to api_usage');
        assert.ok(
          await until(async () => (await storedCount(t.databaseUrl, c.app.id)) === 6, 5000),
          'written at a later tick',
        );
        assert.equal(meter.pendingCalls, 0);
        assert.deepEqual((await c.get('/limits')).body, {
          DailyApiRequests: { Max: 15000, Remaining: 14993 },
        });
      } finally {
        await t.stop();
      }
    });

    test('incrementMany: one statement, duplicates summed, deleted apps skipped, totals returned', async () => {
      const [a, b, gone] = [await s.newApp(), await s.newApp(), await s.newApp()];
      const raw: Store = await openStore(s.databaseUrl);
      try {
        assert.equal(await raw.apiUsage.increment(a.app.id, '2030-01-01'), 1);
        assert.equal(
          await s.admin('DELETE', `/admin/v1/apps/${gone.app.clientId}`).then((r) => r.status),
          204,
        );
        const totals = await raw.apiUsage.incrementMany([
          { appId: a.app.id, day: '2030-01-01', n: 4 },
          { appId: b.app.id, day: '2030-01-01', n: 2 },
          { appId: a.app.id, day: '2030-01-01', n: 3 },
          { appId: a.app.id, day: '2030-01-02', n: 1 },
          { appId: gone.app.id, day: '2030-01-01', n: 9 },
        ]);
        const sorted = totals.sort((x, y) => `${x.appId}${x.day}`.localeCompare(`${y.appId}${y.day}`));
        assert.deepEqual(
          sorted,
          [
            { appId: a.app.id, day: '2030-01-01', count: 8 },
            { appId: a.app.id, day: '2030-01-02', count: 1 },
            { appId: b.app.id, day: '2030-01-01', count: 2 },
          ].sort((x, y) => `${x.appId}${x.day}`.localeCompare(`${y.appId}${y.day}`)),
        );
        assert.equal(await raw.apiUsage.count(gone.app.id, '2030-01-01'), 0);
        assert.deepEqual(await raw.apiUsage.incrementMany([]), []);
        await assert.rejects(raw.apiUsage.incrementMany([{ appId: a.app.id, day: '2030-01-01', n: 0 }]));
      } finally {
        await raw.close();
      }
    });
  });
}

describe('two s2s serve processes on one PostgreSQL database count API calls together', () => {
  let db: TestDatabase;
  let a: Serve;
  let b: Serve;
  let f: Fixture;
  const ISSUER = 'http://s2s.test';

  before(async () => {
    db = await freshDatabase('postgres');
    const args = ['--workers', '1', '--db', db.url, '--issuer', ISSUER, '--api-usage-flush', '300'];
    const env = { S2S_TOKEN_RATE_LIMIT_CLIENT: '0', S2S_TOKEN_RATE_LIMIT_ADDRESS: '0' };
    [a, b] = await Promise.all([serve(args, { env }), serve(args, { env })]);
    f = await fixture(a);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  test('50 calls split across both: the database holds 50 once both have written; each learns the other’s', async () => {
    const token = (await clientCredentials(a, f)).body.access_token as string;
    const get = (s: Serve, path: string) => call(s.base, token, path);
    const rs = await spread([a, b], 50, (s) => get(s, '/sobjects'));
    assert.deepEqual(new Set(rs.map((r) => r.status)), new Set([200]));
    assert.ok(
      await until(async () => (await storedCount(db.url, f.cc.id)) === 50, 5000),
      'both wrote their calls within a few intervals',
    );
    // A's next write (within 300 ms of this call) returns the total, B's calls included.
    assert.equal((await get(a, '/limits')).status, 200);
    assert.ok(await until(async () => (await storedCount(db.url, f.cc.id)) === 51, 5000));
    assert.deepEqual((await get(a, '/limits')).body, { DailyApiRequests: { Max: 15000, Remaining: 14948 } });
    const [codeA, codeB] = await Promise.all([a.stop(), b.stop()]);
    assert.deepEqual([codeA, codeB], [0, 0]);
    assert.equal(await storedCount(db.url, f.cc.id), 52, 'the last call was written at shutdown');
  });
});
