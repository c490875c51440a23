/**
 * Issue #8: two `s2s serve` processes on one fresh PostgreSQL database behave as one server.
 * Requests are split across both: an assertion, a refresh token and a code are single use
 * across them; a key rotated through one is published and then used by both, each accepting
 * the other's tokens; an admin change made through one is seen by the other within
 * milliseconds (LISTEN/NOTIFY), although both cache for 300 s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freshDatabase, type TestDatabase } from './harness.ts';
import {
  API,
  clientCredentials,
  codeRace,
  type Fixture,
  fixture,
  refreshRace,
  replaySplit,
  secretDeletionSeen,
  spread,
} from './scaleout_cases.ts';
import { eventually, type Serve, serve } from './scaleout_helpers.ts';

const ISSUER = 'http://s2s.test';
const ENV = {
  S2S_CACHE_TTL_SECONDS: '300',
  S2S_KEY_RELOAD_SECONDS: '1',
  S2S_TOKEN_RATE_LIMIT_CLIENT: '0',
  S2S_TOKEN_RATE_LIMIT_ADDRESS: '0',
  S2S_AUTH_FAILURE_LIMIT: '0',
};

function kidOf(jwt: string): string {
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid;
}

describe('two s2s serve processes on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: Serve;
  let b: Serve;
  let f: Fixture;

  before(async () => {
    db = await freshDatabase('postgres');
    // One public issuer for both, as behind a load balancer.
    const args = ['--workers', '1', '--db', db.url, '--issuer', ISSUER];
    a = await serve(args, { env: ENV });
    b = await serve(args, { env: ENV });
    f = await fixture(a);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  test('one assertion sent 20 times, half to each process: one token', async () => {
    await replaySplit([a, b], f, ISSUER);
  });

  test('one refresh token redeemed 20 times at once, half at each process: one rotation', async () => {
    await refreshRace([a, b], f, db.url);
  });

  test('one authorization code exchanged 20 times at once across both: at most one token, revoked', async () => {
    await codeRace([a, b], f, db.url);
  });

  test('tokens from either process are accepted by the other', async () => {
    const [fromA, fromB] = await Promise.all([clientCredentials(a, f), clientCredentials(b, f)]);
    for (const [token, other] of [
      [fromA.body.access_token, b],
      [fromB.body.access_token, a],
    ] as const) {
      assert.equal((await other.get(API, { authorization: `Bearer ${token}` })).status, 200);
    }
  });

  test('a key rotated through one process is published, then signs, on both; each accepts the other', async () => {
    const before = kidOf((await clientCredentials(a, f)).body.access_token);
    const r = await a.admin('POST', '/admin/v1/keys/rotate', { overlapSeconds: 2 });
    assert.equal(r.status, 201, r.text);
    const kid: string = r.body.key?.kid ?? r.body.kid;
    assert.ok(kid && kid !== before, r.text);
    const published = async (s: Serve) =>
      ((await s.get('/id/keys')).body.keys as { kid: string }[]).some((k) => k.kid === kid);
    // Published at once by A, by B at its next reload (S2S_KEY_RELOAD_SECONDS=1).
    assert.ok(await published(a));
    assert.ok(await eventually(() => published(b), 5000), 'B publishes the new key');
    // After the overlap both sign with it, and the old key stays published for its tokens.
    const signsWithNew = async (s: Serve) => kidOf((await clientCredentials(s, f)).body.access_token) === kid;
    assert.ok(await eventually(() => signsWithNew(a), 10_000), 'A signs with the new key');
    assert.ok(await eventually(() => signsWithNew(b), 10_000), 'B signs with the new key');
    for (const s of [a, b]) {
      const kids = ((await s.get('/id/keys')).body.keys as { kid: string }[]).map((k) => k.kid);
      assert.ok(kids.includes(before) && kids.includes(kid), `both keys published: ${kids}`);
    }
    const [fromA, fromB] = await Promise.all([clientCredentials(a, f), clientCredentials(b, f)]);
    assert.equal((await b.get(API, { authorization: `Bearer ${fromA.body.access_token}` })).status, 200);
    assert.equal((await a.get(API, { authorization: `Bearer ${fromB.body.access_token}` })).status, 200);
  });

  test('a secret deleted through one process is refused by the other within milliseconds (NOTIFY)', async () => {
    await secretDeletionSeen([a, b], f, 2000);
  });

  test('a user deactivated through one process: the other refuses its live tokens at once', async () => {
    const tokens = await spread([a, b], 4, (s) => clientCredentials(s, f));
    const live = tokens.map((t) => t.body.access_token as string);
    for (const t of live) assert.equal((await b.get(API, { authorization: `Bearer ${t}` })).status, 200);
    const r = await a.admin('PATCH', `/admin/v1/users/${f.userId}`, { active: false });
    assert.equal(r.status, 200, r.text);
    const refused = async () => {
      for (const t of live)
        if ((await b.get(API, { authorization: `Bearer ${t}` })).status !== 401) return false;
      return true;
    };
    assert.ok(await eventually(refused, 2000), 'B refuses the deactivated user’s tokens');
  });
});
