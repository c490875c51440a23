/**
 * The background purge (services/purge.ts) on both stores: it deletes only what has expired
 * (with the retention each kind keeps), in bounded batches, and several processes running it
 * on one database at once delete every expired row exactly once and nothing else.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { KeyPrefix, newClientId, newId } from '../src/domain/ids.ts';
import type { AccessTokenRecord, App, User } from '../src/domain/types.ts';
import { type PurgeCounts, Purger } from '../src/services/purge.ts';
import type { Store } from '../src/store/interfaces.ts';
import { openStore } from '../src/store/open.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from './harness.ts';

const NOW = 1_800_000_000_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;

function app(): App {
  return {
    id: newId(KeyPrefix.connectedApp),
    clientId: newClientId(),
    name: 'purge',
    scopes: ['api'],
    callbackUrls: [],
    policies: {
      permittedUsers: 'all_users',
      clientCredentials: { enabled: false, runAs: null },
      accessToken: { format: 'opaque', ttlSeconds: 60 },
      refreshToken: { policy: 'until_revoked', seconds: null, rotate: true },
      assertion: { maxLifetimeSeconds: 300 },
    },
    createdAt: NOW,
    updatedAt: NOW,
  };
}

function user(): User {
  return {
    id: newId(KeyPrefix.user),
    username: `${newId(KeyPrefix.user)}@example.com`,
    passwordHash: null,
    email: null,
    firstName: null,
    lastName: null,
    profile: 'Standard User',
    active: true,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

interface Owner {
  appId: string;
  userId: string;
}

async function seedOwner(s: Store): Promise<Owner> {
  const a = app();
  const u = user();
  await s.apps.create(a, [], []);
  await s.users.create(u);
  return { appId: a.id, userId: u.id };
}

function token(o: Owner, expiresAt: number, over: Partial<AccessTokenRecord> = {}): AccessTokenRecord {
  const id = newId(KeyPrefix.user);
  return {
    id,
    tokenHash: `h-${id}`,
    format: 'opaque',
    appId: o.appId,
    userId: o.userId,
    scopes: ['api'],
    grantType: 'client_credentials',
    ext: null,
    issuedAt: expiresAt - 60_000,
    expiresAt,
    revokedAt: null,
    ...over,
  };
}

async function family(s: Store, o: Owner, f: { expiresAt?: number | null; revokedAt?: number | null }) {
  const id = newId(KeyPrefix.user);
  const hash = `rt-${id}`;
  await s.refreshTokens.createFamily(
    {
      id,
      appId: o.appId,
      userId: o.userId,
      approvalId: null,
      scopes: ['api'],
      createdAt: NOW - 3 * DAY,
      expiresAt: f.expiresAt ?? null,
      revokedAt: f.revokedAt ?? null,
    },
    {
      hash,
      familyId: id,
      parentHash: null,
      issuedAt: NOW - 3 * DAY,
      lastUsedAt: null,
      retiredAt: null,
      successorHash: null,
      graceSealed: null,
      graceUntil: null,
    },
  );
  return { id, hash };
}

async function code(s: Store, o: Owner, expiresAt: number): Promise<string> {
  const codeHash = `c-${newId(KeyPrefix.user)}`;
  await s.authorizationCodes.insert({
    codeHash,
    appId: o.appId,
    userId: o.userId,
    approvalId: null,
    redirectUri: 'https://example.com/cb',
    scopes: ['api'],
    codeChallenge: null,
    createdAt: expiresAt - 60_000,
    expiresAt,
    consumedAt: null,
    accessTokenId: null,
    refreshFamilyId: null,
    reusedAt: null,
  });
  return codeHash;
}

const zero = (): PurgeCounts => ({
  accessTokens: 0,
  tokenRevocations: 0,
  refreshFamilies: 0,
  authorizationCodes: 0,
  replay: 0,
  sessions: 0,
  loginFailures: 0,
  apiUsage: 0,
});

for (const kind of DB_KINDS) {
  describe(`background purge (${kind})`, () => {
    let db: TestDatabase;
    let s: Store;
    let o: Owner;

    before(async () => {
      db = await freshDatabase(kind);
      s = await openStore(db.url);
      o = await seedOwner(s);
    });
    after(async () => {
      await s.close();
      await db.drop();
    });

    test('deletes only expired rows, each kind with its retention', async () => {
      const expired = [token(o, NOW - 1), token(o, NOW - DAY)];
      const live = [token(o, NOW), token(o, NOW + HOUR), token(o, NOW + HOUR, { revokedAt: NOW - HOUR })];
      for (const t of [...expired, ...live]) await s.accessTokens.insert(t);
      const endedLongAgo = await family(s, o, { revokedAt: NOW - 2 * DAY });
      const expiredLongAgo = await family(s, o, { expiresAt: NOW - 2 * DAY });
      const endedRecently = await family(s, o, { revokedAt: NOW - HOUR });
      const liveFamily = await family(s, o, { expiresAt: NOW + DAY });
      const oldCode = await code(s, o, NOW - 2 * DAY);
      const recentCode = await code(s, o, NOW - HOUR);
      assert.equal(await s.replay.consume('old', NOW - 1, NOW - 1000), true);
      assert.equal(await s.replay.consume('live', NOW + 1000, NOW - 1000), true);
      const session = (idHash: string, expiresAt: number) =>
        s.sessions.create({ idHash, userId: null, csrfSecret: 'x', createdAt: NOW - DAY, expiresAt });
      await session('s-old', NOW - 1);
      await session('s-live', NOW + HOUR);
      const failure = (id: string, at: number) =>
        s.loginThrottle.record({ id, username: 'u', address: '127.0.0.1', at });
      await failure(crypto.randomUUID(), NOW - DAY);
      await failure(crypto.randomUUID(), NOW - 60_000);
      const revocation = (jti: string, expiresAt: number) =>
        s.revocations.insert({ kind: 'jti', jti, expiresAt, createdAt: NOW - HOUR });
      await revocation('st-old', NOW - 1);
      await revocation('st-live', NOW + HOUR);
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      await s.apiUsage.increment(o.appId, day(NOW - 40 * DAY));
      await s.apiUsage.increment(o.appId, day(NOW - 30 * DAY));
      await s.apiUsage.increment(o.appId, day(NOW));

      const counts = await new Purger(s, { now: () => NOW, batchSize: 1 }).runOnce();
      assert.deepEqual(counts, {
        accessTokens: 2,
        tokenRevocations: 1,
        refreshFamilies: 2,
        authorizationCodes: 1,
        replay: 1,
        sessions: 1,
        loginFailures: 1,
        apiUsage: 1,
      });
      for (const t of expired) assert.equal(await s.accessTokens.findById(t.id), undefined);
      for (const t of live) assert.ok(await s.accessTokens.findById(t.id), 'a live or revoked token stays');
      for (const f of [endedLongAgo, expiredLongAgo])
        assert.equal(await s.refreshTokens.findFamily(f.id), undefined);
      for (const f of [endedRecently, liveFamily]) assert.ok(await s.refreshTokens.findByHash(f.hash));
      assert.equal(await s.authorizationCodes.findByHash(oldCode), undefined);
      assert.ok(await s.authorizationCodes.findByHash(recentCode), 'a code expired an hour ago stays');
      assert.equal(await s.replay.consume('live', NOW + 2000, NOW), false, 'the live record still blocks');
      assert.ok(await s.sessions.find('s-live', NOW));
      assert.deepEqual(await s.loginThrottle.count('u', '127.0.0.1', 0), { username: 1, address: 1 });
      const revocations = await s.revocations.listSince(0, 0);
      assert.deepEqual(
        revocations.map((r) => r.kind === 'jti' && r.jti),
        ['st-live'],
        'a revocation still needed stays',
      );
      assert.equal(await s.apiUsage.count(o.appId, day(NOW - 30 * DAY)), 1, 'a count of 30 days ago stays');
      assert.equal(await s.apiUsage.count(o.appId, day(NOW - 40 * DAY)), 0, 'one of 40 days ago is gone');

      assert.deepEqual(await new Purger(s, { now: () => NOW }).runOnce(), zero(), 'nothing left to purge');
    });

    test('a run is bounded: batchSize × maxBatches rows per kind, the rest at the next run', async () => {
      for (let i = 0; i < 23; i++) await s.accessTokens.insert(token(o, NOW - 10 - i));
      const p = new Purger(s, { now: () => NOW, batchSize: 5, maxBatches: 2 });
      assert.equal((await p.runOnce()).accessTokens, 10);
      assert.equal((await p.runOnce()).accessTokens, 10);
      assert.equal((await p.runOnce()).accessTokens, 3);
      assert.equal((await p.runOnce()).accessTokens, 0);
    });

    test('three processes purging one database at once: every expired row deleted once, live rows kept', async () => {
      const EXPIRED = 1500;
      const live = [token(o, NOW + HOUR), token(o, NOW + DAY)];
      const rows = [...Array.from({ length: EXPIRED }, (_, i) => token(o, NOW - 1 - i)), ...live];
      for (let i = 0; i < rows.length; i += 100) {
        await Promise.all(rows.slice(i, i + 100).map((t) => s.accessTokens.insert(t)));
      }
      for (let i = 0; i < EXPIRED; i++) await s.replay.consume(`jti-${i}`, NOW - 1, NOW - 2);

      const started = [0, 1, 2].map(() => purgeInChild(db.url));
      await Promise.all(started.map((c) => c.ready));
      for (const c of started) c.go();
      const children = await Promise.all(started.map((c) => c.done));
      let tokens = 0;
      let replay = 0;
      for (const c of children) {
        assert.equal(c.failed, 0, 'no run failed');
        tokens += c.counts.accessTokens;
        replay += c.counts.replay;
      }
      // A process that saw a short batch (another took part of it) stops early; one more run
      // here takes what is left. Summed, each row was counted by exactly one deleter.
      const last = await new Purger(s, { now: () => NOW }).runOnce();
      assert.equal(tokens + last.accessTokens, EXPIRED);
      assert.equal(replay + last.replay, EXPIRED);
      for (const t of live) assert.ok(await s.accessTokens.findById(t.id));
    });
  });
}

// Each child opens the store, says "ready", and purges when told "go": the three start together.
const CHILD = `
const { openStore } = await import(process.env.S2S_OPEN_TS);
const { Purger } = await import(process.env.S2S_PURGE_TS);
const store = await openStore(process.env.S2S_DB_URL);
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  let failed = 0;
  const log = { info() {}, warn() { failed++; } };
  const counts = await new Purger(store, { now: () => ${NOW}, batchSize: 50, log }).runOnce();
  await store.close();
  process.stdout.write(JSON.stringify({ counts, failed }) + '\\n');
  process.stdin.destroy();
});
`;

interface Child {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ counts: PurgeCounts; failed: number }>;
}

function purgeInChild(url: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    env: {
      ...process.env,
      S2S_OPEN_TS: new URL('../src/store/open.ts', import.meta.url).href,
      S2S_PURGE_TS: new URL('../src/services/purge.ts', import.meta.url).href,
      S2S_DB_URL: url,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.startsWith('ready\n') && resolve());
    child.on('close', (code) => reject(new Error(`purge child exited (${code}) before ready: ${out}`)));
  });
  const done = new Promise<{ counts: PurgeCounts; failed: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`purge child exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
    });
  });
  return { ready, done, go: () => child.stdin.write('go\n') };
}
