/**
 * Issue #8: a revocation of a stateless JWT (no access_tokens row; oauth/tokens/revocations.ts)
 * made through one `s2s serve` process reaches another on the same PostgreSQL database:
 * - announced (NOTIFY, topic `revocations`): within milliseconds, although the other process
 *   polls only once a minute;
 * - not announced (a row written by hand, no NOTIFY): at its next poll, within
 *   S2S_REVOCATION_POLL_MS.
 * The same for the cutoff an approval revocation writes, and between the workers of one
 * `--workers 2` server on SQLite (node:cluster messages). Each is asserted with a deadline, polling the API, never with a fixed sleep.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { JWT_BEARER, signJwt, TOKEN_PATH } from './assertions.ts';
import { freshDatabase, type TestDatabase } from './harness.ts';
import { API, clientCredentials, type Fixture, fixture } from './scaleout_cases.ts';
import { eventually, type Serve, serve } from './scaleout_helpers.ts';

const ISSUER = 'http://s2s.test';
const ENV = {
  S2S_CACHE_TTL_SECONDS: '300',
  S2S_TOKEN_RATE_LIMIT_CLIENT: '0',
  S2S_TOKEN_RATE_LIMIT_ADDRESS: '0',
  S2S_AUTH_FAILURE_LIMIT: '0',
};
const POLL_MS = 500;
/** What a loaded 2-core machine may add to a bound (scheduling, the HTTP round trips). */
const SLACK_MS = 1500;

describe('stateless JWT revocations across two s2s serve processes (PostgreSQL)', () => {
  let db: TestDatabase;
  let polling: Serve;
  let quiet: Serve;
  let f: Fixture;

  before(async () => {
    db = await freshDatabase('postgres');
    const args = ['--workers', '1', '--db', db.url, '--issuer', ISSUER];
    polling = await serve(args, { env: { ...ENV, S2S_REVOCATION_POLL_MS: String(POLL_MS) } });
    // Polls once a minute: whatever it sees sooner came over the bus.
    quiet = await serve(args, { env: { ...ENV, S2S_REVOCATION_POLL_MS: '60000' } });
    f = await fixture(polling);
  });
  after(async () => {
    await Promise.all([polling?.stop(), quiet?.stop()]);
    await db?.drop();
  });

  const mint = async (s: Serve) => {
    const r = await clientCredentials(s, f);
    assert.equal(r.status, 200, r.text);
    return r.body.access_token as string;
  };
  const status = async (s: Serve, token: string) =>
    (await s.get(API, { authorization: `Bearer ${token}` })).status;

  test('revoked through one: refused by the other within milliseconds (NOTIFY), its poll a minute away', async (t) => {
    const token = await mint(quiet);
    const keep = await mint(quiet);
    assert.match(String(decodeJwt(token).jti), /^st-/);
    assert.equal(await status(quiet, token), 200);
    assert.equal((await polling.form('/services/oauth2/revoke', { token })).status, 200);
    assert.equal(await status(polling, token), 401, 'refused at once where it was revoked');
    const t0 = Date.now();
    assert.ok(
      await eventually(async () => (await status(quiet, token)) === 401, SLACK_MS),
      'quiet refuses it',
    );
    const ms = Date.now() - t0;
    assert.ok(ms < SLACK_MS, `seen after ${ms} ms`);
    t.diagnostic(`the other process refused it ${ms} ms after the revoke answered`);
    assert.equal(await status(quiet, keep), 200, 'only that token');
  });

  test('a revocation nobody announced (written by hand): seen at the next poll, within the interval', async (t) => {
    const token = await mint(quiet);
    assert.equal(await status(polling, token), 200);
    const { jti, exp } = decodeJwt(token);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(
        `insert into token_revocations (kind, jti, expires_at, created_at) values ('jti', $1, $2, $3)`,
        [jti, exp! * 1000 + 60_000, Date.now()],
      );
    } finally {
      await c.end();
    }
    const t0 = Date.now();
    assert.ok(
      await eventually(async () => (await status(polling, token)) === 401, POLL_MS + SLACK_MS),
      'the polling process refuses it',
    );
    const ms = Date.now() - t0;
    assert.ok(ms <= POLL_MS + SLACK_MS, `seen after ${ms} ms`);
    t.diagnostic(`refused ${ms} ms after the row was written (poll every ${POLL_MS} ms)`);
  });

  test('an approval revoked through one: the other refuses the jwt-bearer tokens issued before', async () => {
    const app = await polling.admin('POST', '/admin/v1/apps', {
      name: 'approved',
      scopes: ['api', 'refresh_token'],
      certificates: [f.jwt.key.certificatePem],
      permittedUsers: 'all_users',
      accessToken: { format: 'jwt', ttlSeconds: 3600 },
    });
    assert.equal(app.status, 201, app.text);
    const approval = await polling.admin('POST', '/admin/v1/approvals', {
      clientId: app.body.clientId,
      username: f.username,
      scopes: ['api', 'refresh_token'],
    });
    assert.equal(approval.status, 201, approval.text);
    const now = Math.floor(Date.now() / 1000);
    const assertion = signJwt(
      { iss: app.body.clientId, sub: f.username, aud: ISSUER, iat: now, exp: now + 120, jti: randomUUID() },
      f.jwt.key,
    );
    const r = await quiet.form(TOKEN_PATH, { grant_type: JWT_BEARER, assertion });
    assert.equal(r.status, 200, r.text);
    const token = r.body.access_token as string;
    assert.equal(await status(quiet, token), 200);
    const del = await polling.admin('DELETE', `/admin/v1/approvals/${approval.body.id}`);
    assert.equal(del.status, 204, del.text);
    assert.equal(await status(polling, token), 401);
    assert.ok(
      await eventually(async () => (await status(quiet, token)) === 401, SLACK_MS),
      'quiet refuses it',
    );
  });
});

describe('stateless JWT revocations across the workers of s2s serve --workers 2 (SQLite)', () => {
  let dir: string;
  let s: Serve;
  let f: Fixture;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-stateless-'));
    // Workers poll once a minute: whatever they see sooner came as a message between them.
    s = await serve(['--workers', '2', '--db', `sqlite:${join(dir, 's2s.db')}`, '--issuer', ISSUER], {
      env: { ...ENV, S2S_REVOCATION_POLL_MS: '60000' },
      ready: /2 workers ready/,
    });
    f = await fixture(s);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('revoked through one worker: every worker refuses it within milliseconds', async (t) => {
    const token = (await clientCredentials(s, f)).body.access_token as string;
    // 10 calls at once open several connections, which node:cluster hands out in turn (round robin).
    const statuses = async () =>
      Promise.all(Array.from({ length: 10 }, () => s.get(API, { authorization: `Bearer ${token}` }))).then(
        (rs) => rs.map((r) => r.status),
      );
    assert.deepEqual(await statuses(), Array(10).fill(200));
    assert.equal((await s.form('/services/oauth2/revoke', { token })).status, 200);
    const t0 = Date.now();
    const refused = await eventually(async () => (await statuses()).every((x) => x === 401), SLACK_MS);
    assert.ok(refused, 'every worker refuses it');
    t.diagnostic(`all 10 calls refused ${Date.now() - t0} ms after the revoke answered`);
  });
});
