// Activity: GET /admin/v1/audit/summary (windows aligned to UTC bucket widths, successes per
// grant type, failures per error code, the audit filters) and the console's page built on it
// (filters passed to the API as they are, errors next to the filter, the charts, the alarm
// when recent failures outnumber successes, the table) — on a frozen clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent } from '../src/domain/types.ts';
import { type ConsoleBrowser, fieldError, signedInWithToken } from './console_client.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const NOW = Date.UTC(2030, 0, 15, 12, 2, 30);
const MIN = 60_000;
const JWT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

for (const kind of DB_KINDS) {
  describe(`console: activity and the audit summary (${kind})`, () => {
    let s: TestServer;
    let b: ConsoleBrowser;
    let clientId: string;

    const event = (at: number, over: Partial<AuditEvent> = {}): AuditEvent => ({
      at,
      event: 'token',
      clientId,
      userId: null,
      username: 'ops@example.com',
      grantType: 'client_credentials',
      result: 'success',
      errorCode: null,
      errorDescription: null,
      sourceIp: '192.0.2.7',
      ...over,
    });
    const fail = (code: string) => ({
      result: 'failure' as const,
      errorCode: code,
      errorDescription: `${code} happened`,
    });

    before(async () => {
      s = await startTestServer(kind, { now: () => NOW });
      clientId = (await s.newApp({ name: 'Nightly <export>' })).app.clientId;
      const events = [
        event(NOW - 60 * MIN), // 11:02:30: before the hour window (11:05–12:05)
        event(Date.UTC(2030, 0, 15, 11, 5)), // the first bucket's first instant
        event(NOW - 30 * MIN, { grantType: JWT, username: 'sync@example.com' }),
        event(NOW - 30 * MIN, { grantType: JWT, username: 'sync@example.com' }),
        event(NOW - 20 * MIN, fail('invalid_grant')),
        event(NOW - 2 * MIN, fail('invalid_client')),
        event(NOW - 1 * MIN, fail('invalid_client')),
        event(NOW, fail('invalid_client')),
        event(NOW - 3 * 86_400_000, { grantType: 'refresh_token' }), // in the week only
        event(NOW - 5 * MIN, { event: 'revoke', grantType: null }), // not a grant attempt: not counted
        event(NOW - 4 * MIN, {
          clientId: '"><script>x</script>',
          username: '<img src=x>',
          ...fail('invalid_client'),
        }),
      ];
      for (const e of events) await s.ctx.store.audit.record(e);
      b = await signedInWithToken(s);
    });
    after(() => s.stop());

    const summary = (q: string) => s.admin('GET', `/admin/v1/audit/summary${q}`);

    test('the hour: 12 buckets of 5 minutes ending with the one holding now', async () => {
      const r = await summary('?window=hour');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      const x = r.body;
      assert.deepEqual(
        [x.window, x.bucketSeconds, x.since, x.until],
        ['hour', 300, '2030-01-15T11:05:00.000Z', '2030-01-15T12:05:00.000Z'],
      );
      assert.equal(x.buckets.length, 12);
      assert.deepEqual(x.buckets[0], {
        start: '2030-01-15T11:05:00.000Z',
        grants: { client_credentials: 1 },
        failures: {},
      });
      assert.deepEqual(x.buckets[6], { start: '2030-01-15T11:35:00.000Z', grants: {}, failures: {} });
      assert.deepEqual(x.buckets[5].grants, { [JWT]: 2 }); // 11:32:30
      assert.deepEqual(x.buckets[11], {
        start: '2030-01-15T12:00:00.000Z',
        grants: {},
        failures: { invalid_client: 3 },
      });
      assert.deepEqual(x.totals, {
        grants: { client_credentials: 1, [JWT]: 2 },
        failures: { invalid_grant: 1, invalid_client: 4 },
      });
    });

    test('the day and the week; the audit filters apply', async () => {
      const day = (await summary('?window=day')).body;
      assert.deepEqual(
        [day.bucketSeconds, day.buckets.length, day.since, day.until],
        [3600, 24, '2030-01-14T13:00:00.000Z', '2030-01-15T13:00:00.000Z'],
      );
      assert.deepEqual(day.totals.grants, { client_credentials: 2, [JWT]: 2 });
      const week = (await summary('?window=week')).body;
      assert.deepEqual(
        [week.bucketSeconds, week.buckets.length, week.until],
        [21600, 28, '2030-01-15T18:00:00.000Z'],
      );
      assert.deepEqual(week.totals.grants, { client_credentials: 2, [JWT]: 2, refresh_token: 1 });
      assert.equal((await summary('')).body.window, 'day', 'the default');
      const filtered = (await summary(`?window=hour&clientId=${clientId}&result=failure`)).body;
      assert.deepEqual(filtered.totals, { grants: {}, failures: { invalid_grant: 1, invalid_client: 3 } });
      assert.deepEqual((await summary('?window=hour&username=sync%40example.com')).body.totals.grants, {
        [JWT]: 2,
      });
      assert.deepEqual(
        (await summary(`?window=hour&grantType=${encodeURIComponent(JWT)}`)).body.totals.failures,
        {},
      );
    });

    test('bad parameters are 400 naming them; the token is needed', async () => {
      for (const [q, field] of [
        ['?window=year', 'window'],
        ['?result=maybe', 'result'],
        ['?since=2030-01-01', 'since'],
        ['?window=hour&window=day', 'window'],
      ]) {
        const r = await summary(q!);
        assert.equal(r.status, 400, q);
        assert.equal(r.body.field, field, q);
      }
      assert.equal((await fetch(`${s.url}/admin/v1/audit/summary`)).status, 401);
    });

    test('the page: charts, legend totals, the alarm, the table; all escaped', async () => {
      const r = await b.get('/console/activity?window=hour');
      assert.equal(r.status, 200);
      assert.match(r.text, /<option value="hour" selected>Last hour<\/option>/);
      // Grants: 1 + 2 in two buckets; failures in three buckets (two kinds in the last).
      const grants = r.text.slice(r.text.indexOf('id="chart-grants'), r.text.indexOf('id="chart-failures'));
      const failures = r.text.slice(r.text.indexOf('id="chart-failures'));
      assert.equal(grants.match(/<rect x=/g)?.length, 2);
      assert.match(grants, /<li><svg class="swatch"[\s\S]*?<\/svg>JWT bearer <strong>2<\/strong><\/li>/);
      assert.match(grants, /<title>2030-01-15 11:30–11:35 UTC · JWT bearer: 2<\/title>/);
      assert.equal(failures.match(/<rect x=/g)?.length, 3);
      assert.match(failures, /invalid_client <strong>4<\/strong>/);
      assert.match(
        failures,
        /<th scope="row">12:00<\/th><td>3<\/td><td>0<\/td>/,
        'the same numbers as a table',
      );
      assert.match(
        r.text,
        /role="alert"><strong>Failures outnumber successes:<\/strong> 4 failed and\s+0 successful grant attempts in the last 10 minutes/,
      );
      const rows = r.text.slice(r.text.indexOf('<table class="list events">')).match(/<tr>/g)?.length ?? 0;
      // The list is GET /admin/v1/audit's: every event of the window (the revoke one too), not the older one.
      assert.equal(rows - 1, 9);
      assert.ok(r.text.includes('<a href="/console/apps/'), 'known apps are links');
      assert.ok(r.text.includes('Nightly &lt;export&gt;'));
      assert.ok(r.text.includes('&lt;img src=x&gt;'));
      assert.ok(r.text.includes('&quot;&gt;&lt;script&gt;x&lt;/script&gt;'));
      assert.equal(/<script>x<\/script>|<img src=x>/.test(r.text), false);
    });

    test('filters go to the API; a refused one is shown next to its field', async () => {
      const r = await b.get(`/console/activity?window=hour&clientId=${clientId}&result=success`);
      assert.equal(r.status, 200);
      assert.equal(r.text.includes('role="alert"'), false, 'no failures in view, no alarm');
      assert.match(r.text, /No failures in this window\./);
      const rows = r.text.slice(r.text.indexOf('<table class="list events">')).match(/<tr>/g)?.length ?? 0;
      assert.equal(rows - 1, 4, 'three grants and the revoke event');
      const bad = await b.get('/console/activity?window=year');
      assert.equal(bad.status, 400);
      assert.equal(fieldError(bad.text, 'f-flt-window'), 'Must be one of hour, day, week.');
      const nothing = await b.get('/console/activity?window=hour&username=nobody%40example.com');
      assert.match(nothing.text, /No successful grants in this window\./);
      assert.match(nothing.text, /No grant attempts match\./);
    });
  });
}
