/**
 * A store that disappears answers 503 temporarily_unavailable with the OAuth
 * JSON body — never a 500 with a stack, never a token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { basic, PG_ADMIN_URL, startTestServer, type TestServer } from './harness.ts';

describe('database outage (postgres)', () => {
  let s: TestServer;
  let auth: string;

  before(async () => {
    s = await startTestServer('postgres');
    const u = await s.newUser();
    const { app, clientSecret } = await s.newApp({ clientCredentials: { enabled: true, runAs: u.username } });
    auth = basic(app.clientId, clientSecret);
  });
  after(() => s.stop());

  test('token requests answer 503 temporarily_unavailable once the database is gone', async () => {
    const ok = await s.form(
      '/services/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: auth },
    );
    assert.equal(ok.status, 200);
    const readyBefore = await s.get('/readyz');
    assert.equal(readyBefore.status, 200);
    assert.deepEqual(readyBefore.body, {
      status: 'ready',
      checks: { store: 'ok', signingKey: 'ok', audit: 'ok' },
    });

    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE ${new URL(s.databaseUrl).pathname.slice(1)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }

    const r = await s.form(
      '/services/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: auth },
    );
    assert.equal(r.status, 503);
    assert.equal(r.body.error, 'temporarily_unavailable');
    assert.equal(r.headers.get('retry-after'), '5');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(r.text, /at .*\.ts:\d+/, 'no stack trace');

    const ready = await s.get('/readyz');
    assert.equal(ready.status, 503);
    // `audit` turns failing too once the buffered event's flush has failed (audit_write_behind.test.ts).
    const { audit: _audit, ...checks } = ready.body.checks;
    assert.equal(ready.body.status, 'not_ready');
    assert.deepEqual(checks, { store: 'failing', signingKey: 'ok' });
    const live = await s.get('/healthz');
    assert.equal(live.status, 200);
  });
});
