/**
 * Audit events written behind the token endpoint (store/audit_write_behind.ts): batched, yet
 * visible to every read of this process, written at a graceful close, kept through a database
 * failure — during which the token endpoint issues nothing ("never a token that was not
 * recorded") — and written once the database is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../src/store/open.ts';
import { basic, DB_KINDS, PG_ADMIN_URL, startTestServer, type TestServer } from './harness.ts';
import { sample } from './metrics_helpers.ts';
import { onDatabase } from './sql_beside.ts';

const TOKEN = '/services/oauth2/token';

interface Event {
  event: string;
  clientId: string | null;
  grantType: string | null;
  result: string;
  errorCode: string | null;
}

async function clientCredentialsApp(s: TestServer) {
  const u = await s.newUser();
  const { app, clientSecret } = await s.newApp({ clientCredentials: { enabled: true, runAs: u.username } });
  const auth = basic(app.clientId, clientSecret);
  return {
    clientId: app.clientId,
    token: () => s.form(TOKEN, { grant_type: 'client_credentials' }, { authorization: auth }),
    audit: async () =>
      (await s.admin('GET', `/admin/v1/audit?clientId=${app.clientId}&limit=1000`)).body as Event[],
  };
}

async function metric(s: TestServer, name: string): Promise<number> {
  return sample((await s.metrics.exposition()).text, name) ?? 0;
}

/** Polls until `check` holds (at most `ms`); fails with `what`. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function assertRefused(r: Awaited<ReturnType<TestServer['form']>>): void {
  assert.equal(r.status, 503, r.text);
  assert.equal(r.body.error, 'temporarily_unavailable');
  assert.equal(r.body.access_token, undefined, 'no token');
  assert.equal(r.headers.get('retry-after'), '5');
  assert.equal(r.headers.get('cache-control'), 'no-store');
}

for (const kind of DB_KINDS) {
  describe(`audit write-behind (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s.stop());

    test('a burst of token requests: one event each, readable right after the answers, in few batches', async () => {
      const app = await clientCredentialsApp(s);
      const batches0 = await metric(s, 's2s_audit_flush_batches_total');
      const flushed0 = await metric(s, 's2s_audit_flushed_events_total');
      const answers = await Promise.all(Array.from({ length: 40 }, () => app.token()));
      assert.deepEqual(
        answers.map((r) => r.status),
        Array(40).fill(200),
      );
      const events = await app.audit();
      assert.equal(events.length, 40, 'exactly one event per request');
      assert.ok(events.every((e) => e.result === 'success' && e.grantType === 'client_credentials'));
      const flushed = (await metric(s, 's2s_audit_flushed_events_total')) - flushed0;
      const batches = (await metric(s, 's2s_audit_flush_batches_total')) - batches0;
      assert.ok(flushed >= 40, `flushed ${flushed}`);
      assert.ok(batches >= 1 && batches < 40, `40 events in ${batches} batches`);
    });

    test('the audit sink failing alone: tokens refused with 503, the events kept and written after', async () => {
      const app = await clientCredentialsApp(s);
      assert.equal((await app.token()).status, 200);
      await app.audit(); // flushed: the outage below concerns only what follows
      const failures0 = await metric(s, 's2s_audit_flush_failures_total');

      await onDatabase(kind, s.databaseUrl, 'ALTER TABLE audit_events RENAME TO audit_events_away');
      try {
        // This token is issued (the sink was healthy); its event cannot be written.
        assert.equal((await app.token()).status, 200);
        await until(async () => s.ctx.store.audit.healthy === false, 5_000, 'the failed flush');
        assertRefused(await app.token());
        assertRefused(await app.token());
        const ready = await s.get('/readyz');
        assert.equal(ready.status, 503);
        assert.deepEqual(ready.body, {
          status: 'not_ready',
          checks: { store: 'ok', signingKey: 'ok', audit: 'failing' },
        });
        assert.ok((await metric(s, 's2s_audit_flush_failures_total')) > failures0);
      } finally {
        await onDatabase(kind, s.databaseUrl, 'ALTER TABLE audit_events_away RENAME TO audit_events');
      }

      // The retry (backoff ≤ 2 s) writes the kept events; issuance resumes.
      await until(async () => (await s.get('/readyz')).status === 200, 10_000, 'recovery');
      assert.equal((await app.token()).status, 200);
      const events = (await app.audit()).reverse();
      assert.deepEqual(
        events.map((e) => e.errorCode ?? e.result),
        ['success', 'success', 'temporarily_unavailable', 'temporarily_unavailable', 'success'],
      );
    });

    test('events buffered at a graceful close are in the database after reopening', async () => {
      // A flush window longer than the test: only the close writes them.
      const t = await startTestServer(kind, { config: { auditFlushMs: 5_000 } });
      let stopped = false;
      try {
        const app = await clientCredentialsApp(t);
        for (let i = 0; i < 5; i++) assert.equal((await app.token()).status, 200);
        const beside = await openStore(t.databaseUrl);
        try {
          assert.deepEqual(await beside.audit.list({ clientId: app.clientId }), [], 'not written yet');
        } finally {
          await beside.close();
        }
        await t.close();
        const reopened = await openStore(t.databaseUrl);
        try {
          const events = await reopened.audit.list({ clientId: app.clientId });
          assert.equal(events.length, 5);
          assert.ok(events.every((e) => e.result === 'success'));
        } finally {
          await reopened.close();
        }
        await t.stop();
        stopped = true;
      } finally {
        if (!stopped) await t.stop();
      }
    });
  });
}

describe('audit write-behind: database outage (postgres)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('postgres');
  });
  after(() => s.stop());

  test('token requests answer 503 with no token; the buffered events are written after recovery', async () => {
    const app = await clientCredentialsApp(s);
    assert.equal((await app.token()).status, 200);
    const name = new URL(s.databaseUrl).pathname.slice(1);
    // The database refuses connections and loses those it had (a restart, a failover).
    await onDatabase('postgres', PG_ADMIN_URL, `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await onDatabase(
      'postgres',
      PG_ADMIN_URL,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`,
    );
    try {
      for (let i = 0; i < 3; i++) assertRefused(await app.token());
      await until(async () => s.ctx.store.audit.healthy === false, 5_000, 'the failed flush');
      assertRefused(await app.token());
    } finally {
      await onDatabase('postgres', PG_ADMIN_URL, `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    await until(async () => (await s.get('/readyz')).status === 200, 10_000, 'recovery');
    const events = (await app.audit()).reverse();
    assert.deepEqual(
      events.map((e) => e.errorCode ?? e.result),
      ['success', ...Array(4).fill('temporarily_unavailable')],
    );
    assert.equal((await app.token()).status, 200);
  });

  test('an event the database refuses alone is dropped and counted; the others are written', async () => {
    const app = await clientCredentialsApp(s);
    const dropped0 = await metric(s, 's2s_audit_dropped_events_total');
    // PostgreSQL text cannot hold NUL (SQLSTATE 22021): this attempt's event cannot be stored.
    const poisoned = await s.form(TOKEN, {
      grant_type: 'client_credentials',
      client_id: 'bad\u0000id',
      client_secret: 'x',
    });
    assert.ok(poisoned.status >= 400, poisoned.text);
    const answers = await Promise.all([app.token(), app.token()]);
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200],
    );
    const events = await app.audit();
    assert.equal(events.length, 2);
    assert.equal((await metric(s, 's2s_audit_dropped_events_total')) - dropped0, 1);
    assert.equal(s.ctx.store.audit.healthy, true);
    assert.equal((await app.token()).status, 200);
  });
});
