/**
 * Signing-key rotation without downtime: the next key is published before it signs, signs
 * after the overlap, and the old key stays published (tokens it signed keep verifying) until
 * its retirement; another process sees the rotation at its next reload. Private keys at rest
 * are AES-256-GCM-encrypted under S2S_KEY_ENCRYPTION_KEY; a wrong or missing key refuses to start.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { DEFAULTS, type ServerConfig } from '../src/config/index.ts';
import { keyView } from '../src/keys/key_state.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { openStore } from '../src/store/open.ts';
import { until } from './durability_helpers.ts';
import {
  ADMIN_TOKEN,
  basic,
  DB_KINDS,
  freshDatabase,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from './harness.ts';
import { ROOT } from './refresh_fixtures.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('key states over time (pure)', () => {
  test('published before signing, the last activated signs, retired keys drop out', () => {
    const a = { kid: 'a', createdAt: 0, retiredAt: 10 * HOUR };
    const b = { kid: 'b', createdAt: HOUR, activatesAt: 2 * HOUR, retiredAt: null };
    const at = (t: number) => {
      const v = keyView([a, b], t);
      return {
        signing: v.signing?.kid,
        published: v.published.map((k) => k.kid),
        a: v.state(a),
        b: v.state(b),
      };
    };
    assert.deepEqual(at(0), { signing: 'a', published: ['a', 'b'], a: 'signing', b: 'pending' });
    assert.deepEqual(at(2 * HOUR), { signing: 'b', published: ['a', 'b'], a: 'published', b: 'signing' });
    assert.deepEqual(at(10 * HOUR), { signing: 'b', published: ['b'], a: 'retired', b: 'signing' });
    assert.equal(keyView([a, b], HOUR).validUntil, 2 * HOUR, 'the next change: b activates');
    assert.equal(keyView([a, b], 3 * HOUR).validUntil, 10 * HOUR, 'then: a retires');
  });
});

for (const kind of DB_KINDS) {
  describe(`rotation through the admin API (${kind})`, () => {
    let s: TestServer;
    let clock = Date.now();
    let auth: string;
    const token = async () => {
      const r = await s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: auth },
      );
      assert.equal(r.status, 200, r.text);
      return r.body.access_token as string;
    };
    const kids = async () => ((await s.get('/id/keys')).body.keys as { kid: string }[]).map((k) => k.kid);
    const api = async (t: string) => (await s.get(ROOT, { authorization: `Bearer ${t}` })).status;

    before(async () => {
      s = await startTestServer(kind, { now: () => clock, config: { keyRotationOverlapSeconds: 600 } });
      const runAs = (await s.newUser()).username;
      const { app, clientSecret } = await s.newApp({
        clientCredentials: { enabled: true, runAs },
        accessToken: { format: 'jwt', ttlSeconds: 3600 },
      });
      auth = basic(app.clientId, clientSecret);
    });
    after(() => s.stop());

    test('the new key is published at once and signs only after the overlap; the old key keeps verifying', async () => {
      const t0 = clock;
      const [oldKid] = await kids();
      const before = await token();
      assert.equal(decodeProtectedHeader(before).kid, oldKid);

      const r = await s.admin('POST', '/admin/v1/keys/rotate', {});
      assert.equal(r.status, 201, r.text);
      const next = r.body.key;
      assert.equal(next.state, 'pending');
      assert.equal(next.activatesAt, new Date(t0 + 600_000).toISOString());
      const old = r.body.keys.find((k: { kid: string }) => k.kid === oldKid);
      assert.equal(old.state, 'signing');
      assert.equal(
        old.retiresAt,
        new Date(t0 + 600_000 + 90_000_000).toISOString(),
        'successor start + retire-after',
      );
      assert.deepEqual(
        (await kids()).sort(),
        [oldKid, next.kid].sort(),
        'both published before the new one signs',
      );
      assert.equal(
        decodeProtectedHeader(await token()).kid,
        oldKid,
        'the old key still signs during the overlap',
      );

      clock = t0 + 600_000;
      const after = await token();
      assert.equal(decodeProtectedHeader(after).kid, next.kid, 'the new key signs from activatesAt');
      assert.equal(await api(before), 200, 'a token of the old key still opens the API');
      assert.equal(await api(after), 200);
      const states = async () =>
        Object.fromEntries(
          ((await s.admin('GET', '/admin/v1/keys')).body as { kid: string; state: string }[]).map((k) => [
            k.kid,
            k.state,
          ]),
        );
      assert.deepEqual(await states(), { [oldKid!]: 'published', [next.kid]: 'signing' });

      clock = t0 + 600_000 + 90_000_000;
      assert.deepEqual(await kids(), [next.kid], 'the old key leaves the JWKS at its retirement');
      assert.deepEqual(await states(), { [oldKid!]: 'retired', [next.kid]: 'signing' });
      assert.equal(await api(await token()), 200);
    });

    test('alg and overlap can be chosen per rotation; bad input is 400 naming the field', async () => {
      const r = await s.admin('POST', '/admin/v1/keys/rotate', { alg: 'RS256', overlapSeconds: 0 });
      assert.equal(r.status, 201);
      assert.equal(r.body.key.state, 'signing', 'overlap 0: signs at once');
      assert.equal(decodeProtectedHeader(await token()).alg, 'RS256');
      const bad = await s.admin('POST', '/admin/v1/keys/rotate', { overlapSeconds: -1 });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'overlapSeconds');
      const unknown = await s.admin('POST', '/admin/v1/keys/rotate', { overlap: 5 });
      assert.equal(unknown.body.field, 'overlap');
    });
  });
}

describe('another process sees a rotation at its next reload (postgres)', () => {
  let a: TestServer;
  let b: RunningServer;
  before(async () => {
    a = await startTestServer('postgres', { config: { keyReloadSeconds: 1, keyRotationOverlapSeconds: 1 } });
    b = await startServer({
      ...DEFAULTS,
      port: 0,
      host: '127.0.0.1',
      databaseUrl: a.databaseUrl,
      demo: false,
      logLevel: 'silent',
      keyReloadSeconds: 1,
      keyRotationOverlapSeconds: 1,
    });
  });
  after(async () => {
    await b.close();
    await a.stop();
  });

  test('the second server publishes the new key within the reload interval, before it signs anywhere', async () => {
    const r = await a.admin('POST', '/admin/v1/keys/rotate', { overlapSeconds: 5 });
    const kid = r.body.key.kid as string;
    const seen = await until(
      async () => {
        const keys = ((await (await fetch(`${b.url}/id/keys`)).json()) as { keys: { kid: string }[] }).keys;
        return keys.some((k) => k.kid === kid) ? keys.length : undefined;
      },
      5_000,
      'the second server to publish the new key',
    );
    assert.equal(seen, 2);
    assert.equal(b.ctx.keys.list().find((k) => k.kid === kid)?.state, 'pending');
  });
});

describe('private keys at rest (sqlite)', () => {
  let db: TestDatabase;
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');
  const start = (over: Partial<ServerConfig> = {}) =>
    startServer({
      ...DEFAULTS,
      port: 0,
      host: '127.0.0.1',
      databaseUrl: db.url,
      demo: false,
      adminToken: ADMIN_TOKEN,
      logLevel: 'silent',
      ...over,
    });
  const stored = async () => {
    const store = await openStore(db.url);
    try {
      return await store.signingKeys.list();
    } finally {
      await store.close();
    }
  };

  before(async () => {
    db = await freshDatabase('sqlite');
  });
  after(() => db.drop());

  test('plaintext keys are encrypted at the first start with a key; the server signs as before', async () => {
    const plain = await start();
    const kid = plain.ctx.keys.active.meta.kid;
    await plain.close();
    assert.match((await stored())[0]!.privatePem, /^-----BEGIN PRIVATE KEY-----/);

    const s = await start({ keyEncryptionKey: k1 });
    try {
      assert.equal(s.ctx.keys.active.meta.kid, kid, 'the same key, now encrypted');
      const jwt = s.ctx.keys.signJwt({ sub: 'x' }, 'at+jwt');
      assert.equal(decodeProtectedHeader(jwt).kid, kid);
      const listed = (await fetch(`${s.url}/admin/v1/keys`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }).then((r) => r.json())) as { encrypted: boolean }[];
      assert.deepEqual(
        listed.map((k) => k.encrypted),
        [true],
      );
      const r = await fetch(`${s.url}/admin/v1/keys/rotate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(r.status, 201);
    } finally {
      await s.close();
    }
    const rows = await stored();
    assert.equal(rows.length, 2);
    for (const k of rows) {
      assert.match(k.privatePem, /^s2senc:v1:[0-9a-f]{8}:/, 'new keys are stored encrypted too');
      assert.doesNotMatch(k.privatePem, /PRIVATE KEY/);
    }
  });

  test('a wrong key or no key refuses to start, saying so', async () => {
    await assert.rejects(
      start({ keyEncryptionKey: k2 }),
      /encrypted with a key S2S_KEY_ENCRYPTION_KEY does not hold .*wrong S2S_KEY_ENCRYPTION_KEY\?/,
    );
    await assert.rejects(start(), /is encrypted at rest but S2S_KEY_ENCRYPTION_KEY is not set/);
  });

  test('changing the encryption key: "new,old" re-encrypts under the new one; then "new" alone works', async () => {
    const both = await start({ keyEncryptionKey: `${k2},${k1}` });
    await both.close();
    const ids = new Set((await stored()).map((k) => k.privatePem.split(':')[2]));
    assert.equal(ids.size, 1, 'every key under one encryption key');
    const only = await start({ keyEncryptionKey: k2 });
    await only.close();
    await assert.rejects(start({ keyEncryptionKey: k1 }), /does not hold/);
  });
});
