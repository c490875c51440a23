/**
 * Storage conformance: the same cases against every adapter, on a real SQLite
 * file and a real PostgreSQL database. Each describe block gets its own fresh
 * database so that list/purge assertions can check exact results.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { KeyPrefix, newClientId, newId } from '../src/domain/ids.ts';
import type {
  AccessTokenRecord,
  App,
  AppCertificate,
  Approval,
  AppSecret,
  AuditEvent,
  Preauthorization,
  SigningKey,
  User,
} from '../src/domain/types.ts';
import type {
  AuthorizationCode,
  BrowserSession,
  LoginFailure,
  ReplayStore,
  Store,
  StoredRecord,
} from '../src/store/interfaces.ts';
import { migrations } from '../src/store/migrations.ts';
import { openStore, parseDatabaseUrl } from '../src/store/open.ts';
import { connectRedis, REDIS_UNAVAILABLE, RedisReplayStore } from '../src/store/redis/index.ts';
import { DB_KINDS, type DbKind, freshDatabase, type TestDatabase } from './harness.ts';

// Epoch milliseconds well above 2^31, so a BIGINT that came back as a string
// (or was truncated to int4) would fail the exact comparisons below.
const T = 1_700_000_000_000;

let seq = 0;
const next = () => ++seq;

function makeApp(over: Partial<App> = {}): App {
  const n = next();
  return {
    id: newId(KeyPrefix.connectedApp),
    clientId: newClientId(),
    name: `App ${n}`,
    scopes: ['api', 'refresh_token'],
    callbackUrls: ['https://example.com/cb'],
    policies: {
      permittedUsers: 'admin_approved',
      clientCredentials: { enabled: true, runAs: 'runner@example.com' },
      accessToken: { format: 'opaque', ttlSeconds: 7200 },
      refreshToken: { policy: 'expire_after', seconds: 3600, rotate: true },
      assertion: { maxLifetimeSeconds: 300 },
    },
    createdAt: T + n,
    updatedAt: T + n,
    ...over,
  };
}

function makeSecret(appId: string, over: Partial<AppSecret> = {}): AppSecret {
  const n = next();
  return { id: newId(KeyPrefix.secret), appId, hash: `hash-${n}`, hint: `h${n}`, createdAt: T + n, ...over };
}

function makeCert(appId: string, over: Partial<AppCertificate> = {}): AppCertificate {
  const n = next();
  return {
    appId,
    thumbprint: `thumb-${n}`,
    pem: `-----BEGIN CERTIFICATE-----\n${n}\n-----END CERTIFICATE-----\n`,
    subject: `CN=client ${n}`,
    notBefore: T,
    notAfter: T + 365 * 86_400_000,
    createdAt: T + n,
    ...over,
  };
}

function makeUser(over: Partial<User> = {}): User {
  const n = next();
  return {
    id: newId(KeyPrefix.user),
    username: `user${n}@example.com`,
    passwordHash: `scrypt$${n}`,
    email: `user${n}@example.com`,
    firstName: 'First',
    lastName: `Last${n}`,
    profile: 'Standard User',
    active: true,
    createdAt: T + n,
    updatedAt: T + n,
    ...over,
  };
}

function makePreauth(appId: string, over: Partial<Preauthorization> = {}): Preauthorization {
  const n = next();
  return {
    id: newId(KeyPrefix.preauthorization),
    appId,
    kind: 'user',
    value: `user${n}@example.com`,
    createdAt: T + n,
    ...over,
  };
}

function makeApproval(appId: string, userId: string, over: Partial<Approval> = {}): Approval {
  const n = next();
  return {
    id: newId(KeyPrefix.approval),
    appId,
    userId,
    scopes: ['api'],
    source: 'consent',
    createdAt: T + n,
    updatedAt: T + n,
    ...over,
  };
}

function makeToken(appId: string, userId: string, over: Partial<AccessTokenRecord> = {}): AccessTokenRecord {
  const n = next();
  return {
    id: newId(KeyPrefix.token),
    tokenHash: `sha256-${n}`,
    format: 'opaque',
    appId,
    userId,
    scopes: ['api'],
    grantType: 'client_credentials',
    ext: null,
    issuedAt: T + n,
    expiresAt: T + n + 7_200_000,
    revokedAt: null,
    ...over,
  };
}

function makeKey(over: Partial<SigningKey> = {}): SigningKey {
  const n = next();
  return {
    kid: `kid-${n}`,
    alg: 'ES256',
    privatePem: `-----BEGIN PRIVATE KEY-----\n${n}\n-----END PRIVATE KEY-----\n`,
    publicJwk: { kty: 'EC', crv: 'P-256', x: `x${n}`, y: `y${n}`, kid: `kid-${n}` },
    createdAt: T + n,
    retiredAt: null,
    ...over,
  };
}

/** Registers before/after hooks that give the enclosing describe block its own fresh store. */
function useStore(kind: DbKind): () => Store {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  before(async () => {
    db = await freshDatabase(kind);
    store = await openStore(db.url);
  });
  after(async () => {
    await store?.close();
    await db?.drop();
  });
  return () => store!;
}

interface MigrationRow {
  name: string;
  timestamp: string;
}

/** Reads the migration bookkeeping table behind the store's back. */
async function migrationRows(url: string): Promise<MigrationRow[]> {
  const { dialect, target } = parseDatabaseUrl(url);
  const q = 'select name, timestamp from s2s_migrations order by name';
  if (dialect === 'sqlite') {
    const db = new SQLite(target, { readonly: true });
    try {
      return db.prepare(q).all() as MigrationRow[];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  try {
    return (await c.query<MigrationRow>(q)).rows;
  } finally {
    await c.end();
  }
}

const sorted = (xs: readonly string[]) => [...xs].sort();

// A child process that loads the store code, says "ready", and opens the
// database when told "go". Separate processes, because better-sqlite3 is
// synchronous: two connections in one process cannot wait on each other's locks.
const OPENER = `
const { openStore } = await import(process.env.S2S_OPEN_TS);
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  try {
    const s = await openStore(process.env.S2S_DB_URL);
    await s.close();
    process.stdout.write('opened\\n');
  } catch (err) {
    process.stdout.write('failed: ' + err.message + '\\n');
  }
  process.stdin.destroy();
});
`;

interface Opener {
  ready: Promise<void>;
  go(): void;
  /** The child's last line: "opened", or "failed: …". */
  done: Promise<string>;
}

function startOpener(url: string): Opener {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', OPENER], {
    env: {
      ...process.env,
      S2S_OPEN_TS: new URL('../src/store/open.ts', import.meta.url).href,
      S2S_DB_URL: url,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.startsWith('ready\n')) resolve();
    });
    // A child that dies while loading must fail the test, not leave it waiting.
    child.on('close', (code) => reject(new Error(`opener exited (${code}) before ready: ${out}`)));
  });
  const done = new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve(out.trim().split('\n').at(-1) ?? ''));
  });
  return { ready, done, go: () => child.stdin.write('go\n') };
}

for (const kind of DB_KINDS) {
  describe(`store conformance (${kind})`, () => {
    describe('apps', () => {
      const store = useStore(kind);

      test('create stores the app with its secrets and certificates; finders return it', async () => {
        const s = store();
        const app = makeApp();
        const secrets = [makeSecret(app.id), makeSecret(app.id)];
        const certs = [makeCert(app.id), makeCert(app.id)];
        await s.apps.create(app, secrets, certs);
        assert.deepEqual(await s.apps.findById(app.id), app);
        assert.deepEqual(await s.apps.findByClientId(app.clientId), app);
        assert.deepEqual(await s.apps.secrets(app.id), secrets);
        assert.deepEqual(await s.apps.certificates(app.id), certs);
      });

      test('create with no secrets and no certificates', async () => {
        const s = store();
        const app = makeApp();
        await s.apps.create(app, [], []);
        assert.deepEqual(await s.apps.findById(app.id), app);
        assert.deepEqual(await s.apps.secrets(app.id), []);
        assert.deepEqual(await s.apps.certificates(app.id), []);
      });

      test('finders are exact: unknown ids and a case-changed client_id find nothing', async () => {
        const s = store();
        const app = makeApp();
        await s.apps.create(app, [], []);
        assert.equal(await s.apps.findById(newId(KeyPrefix.connectedApp)), undefined);
        assert.equal(await s.apps.findByClientId(app.clientId.toLowerCase()), undefined);
        assert.equal(await s.apps.findByClientId(`${app.clientId} `), undefined);
      });

      test('a create that fails on a duplicate certificate thumbprint leaves nothing behind', async () => {
        const s = store();
        const app = makeApp();
        const secret = makeSecret(app.id);
        const cert = makeCert(app.id);
        await assert.rejects(
          s.apps.create(app, [secret], [cert, makeCert(app.id, { thumbprint: cert.thumbprint })]),
        );
        assert.equal(await s.apps.findById(app.id), undefined);
        assert.equal(await s.apps.findByClientId(app.clientId), undefined);
        assert.deepEqual(await s.apps.secrets(app.id), []);
        assert.deepEqual(await s.apps.certificates(app.id), []);
        // The same app can then be created cleanly: no half-written rows block it.
        await s.apps.create(app, [secret], [cert]);
        assert.deepEqual(await s.apps.secrets(app.id), [secret]);
      });

      test('a create that fails on a duplicate client_id leaves nothing behind and the first app intact', async () => {
        const s = store();
        const first = makeApp();
        const firstSecret = makeSecret(first.id);
        await s.apps.create(first, [firstSecret], []);
        const dup = makeApp({ clientId: first.clientId });
        await assert.rejects(s.apps.create(dup, [makeSecret(dup.id)], [makeCert(dup.id)]));
        assert.equal(await s.apps.findById(dup.id), undefined);
        assert.deepEqual(await s.apps.secrets(dup.id), []);
        assert.deepEqual(await s.apps.certificates(dup.id), []);
        assert.deepEqual(await s.apps.findByClientId(first.clientId), first);
        assert.deepEqual(await s.apps.secrets(first.id), [firstSecret]);
      });

      test('a create that fails on a duplicate secret id rolls back the app row', async () => {
        const s = store();
        const first = makeApp();
        const taken = makeSecret(first.id);
        await s.apps.create(first, [taken], []);
        const app = makeApp();
        await assert.rejects(s.apps.create(app, [makeSecret(app.id, { id: taken.id })], []));
        assert.equal(await s.apps.findById(app.id), undefined);
        assert.deepEqual(await s.apps.secrets(first.id), [taken]);
      });

      test('update rewrites every field but the id', async () => {
        const s = store();
        const app = makeApp();
        await s.apps.create(app, [], []);
        const changed: App = {
          ...app,
          clientId: newClientId(),
          name: 'Renamed',
          scopes: ['api', 'id', 'web'],
          callbackUrls: ['https://a.example/cb', 'https://b.example/cb'],
          policies: {
            permittedUsers: 'all_users',
            clientCredentials: { enabled: false, runAs: null },
            accessToken: { format: 'jwt', ttlSeconds: 900 },
            refreshToken: { policy: 'immediately', seconds: null, rotate: false },
            assertion: { maxLifetimeSeconds: 120 },
          },
          updatedAt: app.updatedAt + 5000,
        };
        await s.apps.update(changed);
        assert.deepEqual(await s.apps.findById(app.id), changed);
        assert.equal(await s.apps.findByClientId(app.clientId), undefined);
        assert.deepEqual(await s.apps.findByClientId(changed.clientId), changed);
      });

      test('secrets: add, list in creation order, delete only within the owning app', async () => {
        const s = store();
        const app = makeApp();
        const other = makeApp();
        const s1 = makeSecret(app.id);
        await s.apps.create(app, [s1], []);
        await s.apps.create(other, [], []);
        const s2 = makeSecret(app.id);
        await s.apps.addSecret(s2);
        assert.deepEqual(await s.apps.secrets(app.id), [s1, s2]);
        assert.equal(await s.apps.deleteSecret(other.id, s1.id), false);
        assert.equal(await s.apps.deleteSecret(app.id, s1.id), true);
        assert.equal(await s.apps.deleteSecret(app.id, s1.id), false);
        assert.deepEqual(await s.apps.secrets(app.id), [s2]);
      });

      test('certificates: add is false on a duplicate thumbprint; the same thumbprint may serve two apps', async () => {
        const s = store();
        const app = makeApp();
        const other = makeApp();
        await s.apps.create(app, [], []);
        await s.apps.create(other, [], []);
        const c1 = makeCert(app.id);
        assert.equal(await s.apps.addCertificate(c1), true);
        assert.equal(await s.apps.addCertificate({ ...c1, subject: 'CN=impostor' }), false);
        const shared = { ...c1, appId: other.id };
        assert.equal(await s.apps.addCertificate(shared), true);
        assert.deepEqual(await s.apps.certificates(app.id), [c1]);
        assert.deepEqual(await s.apps.certificates(other.id), [shared]);
        assert.equal(await s.apps.deleteCertificate(app.id, 'no-such-thumbprint'), false);
        assert.equal(await s.apps.deleteCertificate(app.id, c1.thumbprint), true);
        assert.equal(await s.apps.deleteCertificate(app.id, c1.thumbprint), false);
        assert.deepEqual(await s.apps.certificates(app.id), []);
        assert.deepEqual(await s.apps.certificates(other.id), [shared]);
      });

      test('children of an unknown app are rejected (foreign keys are enforced)', async () => {
        const s = store();
        const ghost = newId(KeyPrefix.connectedApp);
        await assert.rejects(s.apps.addSecret(makeSecret(ghost)));
        await assert.rejects(s.apps.addCertificate(makeCert(ghost)));
        await assert.rejects(s.preauthorizations.add(makePreauth(ghost)));
        assert.deepEqual(await s.apps.secrets(ghost), []);
        assert.deepEqual(await s.apps.certificates(ghost), []);
      });

      test('delete removes the app with its secrets, certificates, preauthorizations, approvals and tokens', async () => {
        const s = store();
        const user = makeUser();
        assert.equal(await s.users.create(user), true);
        const app = makeApp();
        const keep = makeApp();
        await s.apps.create(app, [makeSecret(app.id)], [makeCert(app.id)]);
        const keepSecret = makeSecret(keep.id);
        const keepCert = makeCert(keep.id);
        await s.apps.create(keep, [keepSecret], [keepCert]);
        const pre = makePreauth(app.id);
        const keepPre = makePreauth(keep.id);
        assert.equal(await s.preauthorizations.add(pre), true);
        assert.equal(await s.preauthorizations.add(keepPre), true);
        const approval = await s.approvals.upsert(makeApproval(app.id, user.id));
        const keepApproval = await s.approvals.upsert(makeApproval(keep.id, user.id));
        const token = makeToken(app.id, user.id);
        const keepToken = makeToken(keep.id, user.id);
        await s.accessTokens.insert(token);
        await s.accessTokens.insert(keepToken);

        assert.equal(await s.apps.delete(app.id), true);

        assert.equal(await s.apps.findById(app.id), undefined);
        assert.deepEqual(await s.apps.secrets(app.id), []);
        assert.deepEqual(await s.apps.certificates(app.id), []);
        assert.deepEqual(await s.preauthorizations.list(app.id), []);
        assert.equal(await s.approvals.findById(approval.id), undefined);
        assert.deepEqual(await s.approvals.list({ appId: app.id }), []);
        assert.equal(await s.accessTokens.findById(token.id), undefined);
        // Nothing of the other app is touched.
        assert.deepEqual(await s.apps.findById(keep.id), keep);
        assert.deepEqual(await s.apps.secrets(keep.id), [keepSecret]);
        assert.deepEqual(await s.apps.certificates(keep.id), [keepCert]);
        assert.deepEqual(await s.preauthorizations.list(keep.id), [keepPre]);
        assert.deepEqual(await s.approvals.findById(keepApproval.id), keepApproval);
        assert.deepEqual(await s.accessTokens.findById(keepToken.id), keepToken);
        assert.deepEqual(await s.users.findById(user.id), user);

        assert.equal(await s.apps.delete(app.id), false);
      });
    });

    describe('apps list on an empty store', () => {
      const store = useStore(kind);

      test('list is empty, then holds exactly the apps created, oldest first', async () => {
        const s = store();
        assert.deepEqual(await s.apps.list(), []);
        const b = makeApp({ createdAt: T + 2, updatedAt: T + 2 });
        const a = makeApp({ createdAt: T + 1, updatedAt: T + 1 });
        await s.apps.create(b, [], []);
        await s.apps.create(a, [], []);
        assert.deepEqual(await s.apps.list(), [a, b]);
      });
    });

    describe('users', () => {
      const store = useStore(kind);

      test('create, then find by id and by username; list is ordered by username', async () => {
        const s = store();
        assert.deepEqual(await s.users.list(), []);
        const bob = makeUser({ username: 'bob@x.com', passwordHash: null, email: null, firstName: null });
        const amy = makeUser({ username: 'amy@x.com', active: false, lastName: null });
        assert.equal(await s.users.create(bob), true);
        assert.equal(await s.users.create(amy), true);
        assert.deepEqual(await s.users.findById(bob.id), bob);
        assert.deepEqual(await s.users.findByUsername('amy@x.com'), amy);
        assert.deepEqual(await s.users.list(), [amy, bob]);
        assert.equal(await s.users.findById(newId(KeyPrefix.user)), undefined);
        assert.equal(await s.users.findByUsername('nobody@x.com'), undefined);
      });

      test('create is false on a duplicate username and keeps the first user', async () => {
        const s = store();
        const first = makeUser();
        assert.equal(await s.users.create(first), true);
        const dup = makeUser({ username: first.username });
        assert.equal(await s.users.create(dup), false);
        assert.equal(await s.users.findById(dup.id), undefined);
        assert.deepEqual(await s.users.findByUsername(first.username), first);
      });

      test('10 parallel creates of one username: exactly one true', async () => {
        const s = store();
        const users = Array.from({ length: 10 }, () => makeUser({ username: 'race@x.com' }));
        const results = await Promise.all(users.map((u) => s.users.create(u)));
        assert.equal(results.filter((r) => r).length, 1);
        const winner = users[results.indexOf(true)];
        assert.deepEqual(await s.users.findByUsername('race@x.com'), winner);
      });

      test('username lookup is exact and case-sensitive', async () => {
        const s = store();
        const upper = makeUser({ username: 'Alice@x.com' });
        assert.equal(await s.users.create(upper), true);
        assert.equal(await s.users.findByUsername('alice@x.com'), undefined);
        assert.equal(await s.users.findByUsername('ALICE@X.COM'), undefined);
        assert.equal(await s.users.findByUsername('Alice@x.com '), undefined);
        assert.deepEqual(await s.users.findByUsername('Alice@x.com'), upper);
        // Usernames differing only in case are distinct users, each found by its exact spelling.
        const lower = makeUser({ username: 'alice@x.com' });
        assert.equal(await s.users.create(lower), true);
        assert.deepEqual(await s.users.findByUsername('alice@x.com'), lower);
        assert.deepEqual(await s.users.findByUsername('Alice@x.com'), upper);
      });

      test('update rewrites the user; false when renaming onto a taken username', async () => {
        const s = store();
        const u = makeUser();
        const taken = makeUser();
        assert.equal(await s.users.create(u), true);
        assert.equal(await s.users.create(taken), true);
        const renamed: User = {
          ...u,
          username: `renamed.${u.username}`,
          passwordHash: null,
          email: 'new@example.com',
          firstName: null,
          lastName: 'New',
          profile: 'System Administrator',
          active: false,
          updatedAt: u.updatedAt + 1000,
        };
        assert.equal(await s.users.update(renamed), true);
        assert.deepEqual(await s.users.findById(u.id), renamed);
        assert.equal(await s.users.findByUsername(u.username), undefined);
        assert.equal(await s.users.update({ ...renamed, username: taken.username, lastName: 'X' }), false);
        assert.deepEqual(await s.users.findById(u.id), renamed);
        assert.deepEqual(await s.users.findById(taken.id), taken);
      });

      test('delete removes the user with their approvals and tokens, and nobody else’s', async () => {
        const s = store();
        const app = makeApp();
        await s.apps.create(app, [], []);
        const u = makeUser();
        const other = makeUser();
        assert.equal(await s.users.create(u), true);
        assert.equal(await s.users.create(other), true);
        const approval = await s.approvals.upsert(makeApproval(app.id, u.id));
        const otherApproval = await s.approvals.upsert(makeApproval(app.id, other.id));
        const token = makeToken(app.id, u.id);
        const otherToken = makeToken(app.id, other.id);
        await s.accessTokens.insert(token);
        await s.accessTokens.insert(otherToken);

        assert.equal(await s.users.delete(u.id), true);

        assert.equal(await s.users.findById(u.id), undefined);
        assert.equal(await s.users.findByUsername(u.username), undefined);
        assert.equal(await s.approvals.findById(approval.id), undefined);
        assert.deepEqual(await s.approvals.list({ userId: u.id }), []);
        assert.equal(await s.accessTokens.findById(token.id), undefined);
        assert.deepEqual(await s.users.findById(other.id), other);
        assert.deepEqual(await s.approvals.findById(otherApproval.id), otherApproval);
        assert.deepEqual(await s.accessTokens.findById(otherToken.id), otherToken);
        assert.deepEqual(await s.apps.findById(app.id), app);
        assert.equal(await s.users.delete(u.id), false);
      });
    });

    describe('preauthorizations', () => {
      const store = useStore(kind);
      let app: App;
      let other: App;

      before(async () => {
        app = makeApp();
        other = makeApp();
        await store().apps.create(app, [], []);
        await store().apps.create(other, [], []);
      });

      test('add, list in creation order; add is false on a duplicate kind+value for the app', async () => {
        const s = store();
        const byUser = makePreauth(app.id, { kind: 'user', value: 'ann@x.com' });
        const byProfile = makePreauth(app.id, { kind: 'profile', value: 'Integration' });
        assert.equal(await s.preauthorizations.add(byUser), true);
        assert.equal(await s.preauthorizations.add(byProfile), true);
        assert.equal(
          await s.preauthorizations.add(makePreauth(app.id, { kind: 'user', value: 'ann@x.com' })),
          false,
        );
        // Same value under the other kind, or for another app, is a different pre-authorization.
        const sameValueOtherKind = makePreauth(app.id, { kind: 'profile', value: 'ann@x.com' });
        assert.equal(await s.preauthorizations.add(sameValueOtherKind), true);
        const otherApp = makePreauth(other.id, { kind: 'user', value: 'ann@x.com' });
        assert.equal(await s.preauthorizations.add(otherApp), true);
        assert.deepEqual(await s.preauthorizations.list(app.id), [byUser, byProfile, sameValueOtherKind]);
        assert.deepEqual(await s.preauthorizations.list(other.id), [otherApp]);
      });

      test('10 parallel adds of one pre-authorization: exactly one true', async () => {
        const s = store();
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            s.preauthorizations.add(makePreauth(other.id, { kind: 'profile', value: 'Race' })),
          ),
        );
        assert.equal(results.filter((r) => r).length, 1);
        const listed = await s.preauthorizations.list(other.id);
        assert.deepEqual(
          listed.filter((p) => p.value === 'Race').map((p) => p.kind),
          ['profile'],
        );
        assert.equal(
          await s.preauthorizations.delete(other.id, listed.find((p) => p.value === 'Race')!.id),
          true,
        );
      });

      test('covers by username, by profile, exactly, and never across apps', async () => {
        const s = store();
        assert.equal(await s.preauthorizations.covers(app.id, 'ann@x.com', 'Standard User'), true);
        assert.equal(await s.preauthorizations.covers(app.id, 'someone@x.com', 'Integration'), true);
        assert.equal(await s.preauthorizations.covers(app.id, 'someone@x.com', 'Standard User'), false);
        assert.equal(await s.preauthorizations.covers(app.id, 'Ann@x.com', 'integration'), false);
        // A username never matches a profile entry, nor a profile a user entry.
        assert.equal(await s.preauthorizations.covers(app.id, 'Integration', 'Standard User'), false);
        assert.equal(await s.preauthorizations.covers(other.id, 'someone@x.com', 'Integration'), false);
        assert.equal(await s.preauthorizations.covers(other.id, 'ann@x.com', 'Standard User'), true);
        assert.equal(
          await s.preauthorizations.covers(newId(KeyPrefix.connectedApp), 'ann@x.com', 'Integration'),
          false,
        );
      });

      test('a user pre-authorization follows a rename and goes with the user', async () => {
        const s = store();
        const u = makeUser({ username: 'rename-me@x.com' });
        assert.equal(await s.users.create(u), true);
        assert.equal(
          await s.preauthorizations.add(makePreauth(other.id, { kind: 'user', value: u.username })),
          true,
        );
        assert.equal(await s.users.update({ ...u, username: 'renamed@x.com' }), true);
        assert.equal(await s.preauthorizations.covers(other.id, 'renamed@x.com', 'Nobody'), true);
        // A newcomer who takes the old name inherits nothing.
        assert.equal(await s.preauthorizations.covers(other.id, 'rename-me@x.com', 'Nobody'), false);
        assert.equal(await s.users.delete(u.id), true);
        assert.equal(await s.preauthorizations.covers(other.id, 'renamed@x.com', 'Nobody'), false);
      });

      test('delete only within the owning app; then it no longer covers', async () => {
        const s = store();
        const [byUser, ...rest] = await s.preauthorizations.list(app.id);
        assert.ok(byUser);
        assert.equal(await s.preauthorizations.delete(other.id, byUser.id), false);
        assert.equal(await s.preauthorizations.delete(app.id, byUser.id), true);
        assert.equal(await s.preauthorizations.delete(app.id, byUser.id), false);
        assert.deepEqual(await s.preauthorizations.list(app.id), rest);
        assert.equal(await s.preauthorizations.covers(app.id, 'ann@x.com', 'Standard User'), false);
      });
    });

    describe('approvals', () => {
      const store = useStore(kind);
      let app: App;
      let app2: App;
      let u1: User;
      let u2: User;

      before(async () => {
        const s = store();
        app = makeApp();
        app2 = makeApp();
        u1 = makeUser();
        u2 = makeUser();
        await s.apps.create(app, [], []);
        await s.apps.create(app2, [], []);
        assert.equal(await s.users.create(u1), true);
        assert.equal(await s.users.create(u2), true);
      });

      test('upsert creates, then widens scopes to the union and keeps id and createdAt', async () => {
        const s = store();
        const first = makeApproval(app.id, u1.id, { scopes: ['api', 'id'], source: 'consent' });
        assert.deepEqual(await s.approvals.upsert(first), first);
        assert.deepEqual(await s.approvals.find(app.id, u1.id), first);

        const second = makeApproval(app.id, u1.id, { scopes: ['id', 'refresh_token'], source: 'admin' });
        const widened: Approval = {
          ...first,
          scopes: ['api', 'id', 'refresh_token'],
          source: 'admin',
          updatedAt: second.updatedAt,
        };
        assert.deepEqual(await s.approvals.upsert(second), widened);
        assert.deepEqual(await s.approvals.find(app.id, u1.id), widened);
        assert.deepEqual(await s.approvals.findById(first.id), widened);
        assert.equal(await s.approvals.findById(second.id), undefined);

        // A narrower approval never takes scopes away.
        const third = makeApproval(app.id, u1.id, { scopes: ['api'], source: 'consent' });
        const after3: Approval = { ...widened, source: 'consent', updatedAt: third.updatedAt };
        assert.deepEqual(await s.approvals.upsert(third), after3);
        assert.deepEqual(await s.approvals.find(app.id, u1.id), after3);
      });

      test('find, findById and list with each filter', async () => {
        const s = store();
        const a1 = await s.approvals.find(app.id, u1.id);
        assert.ok(a1);
        const a2 = makeApproval(app.id, u2.id);
        const a3 = makeApproval(app2.id, u1.id);
        await s.approvals.upsert(a2);
        await s.approvals.upsert(a3);
        assert.equal(await s.approvals.find(app2.id, u2.id), undefined);
        assert.equal(await s.approvals.findById(newId(KeyPrefix.approval)), undefined);
        assert.deepEqual(await s.approvals.findById(a3.id), a3);
        assert.deepEqual(await s.approvals.list({}), [a1, a2, a3]);
        assert.deepEqual(await s.approvals.list({ appId: app.id }), [a1, a2]);
        assert.deepEqual(await s.approvals.list({ userId: u1.id }), [a1, a3]);
        assert.deepEqual(await s.approvals.list({ appId: app2.id, userId: u1.id }), [a3]);
        assert.deepEqual(await s.approvals.list({ appId: app2.id, userId: u2.id }), []);
      });

      test('delete is true once, then false', async () => {
        const s = store();
        const a = await s.approvals.find(app.id, u2.id);
        assert.ok(a);
        assert.equal(await s.approvals.delete(a.id), true);
        assert.equal(await s.approvals.delete(a.id), false);
        assert.equal(await s.approvals.find(app.id, u2.id), undefined);
      });

      test('10 concurrent upserts for one app+user leave exactly one row holding the union', async () => {
        const s = store();
        const user = makeUser();
        assert.equal(await s.users.create(user), true);
        const scopes = Array.from({ length: 10 }, (_, i) => `scope${i}`);
        const results = await Promise.all(
          scopes.map((sc) => s.approvals.upsert(makeApproval(app.id, user.id, { scopes: ['api', sc] }))),
        );
        const rows = await s.approvals.list({ appId: app.id, userId: user.id });
        assert.equal(rows.length, 1);
        const [row] = rows;
        assert.ok(row);
        assert.deepEqual(sorted(row.scopes), sorted(['api', ...scopes]));
        // Every caller was told about the one row that exists.
        assert.deepEqual(
          results.map((r) => r.id),
          results.map(() => row.id),
        );
      });
    });

    describe('access tokens', () => {
      const store = useStore(kind);
      let app: App;
      let app2: App;
      let u1: User;
      let u2: User;

      before(async () => {
        const s = store();
        app = makeApp();
        app2 = makeApp();
        u1 = makeUser();
        u2 = makeUser();
        await s.apps.create(app, [], []);
        await s.apps.create(app2, [], []);
        assert.equal(await s.users.create(u1), true);
        assert.equal(await s.users.create(u2), true);
      });

      test('insert then findByHash and findById round-trip every field, ext JSON included', async () => {
        const s = store();
        const opaque = makeToken(app.id, u1.id, {
          scopes: ['api', 'refresh_token'],
          grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          ext: { tenant: 'acme', roles: ['a', 'b'], nested: { n: 1, ok: true, none: null } },
        });
        await s.accessTokens.insert(opaque);
        assert.deepEqual(await s.accessTokens.findByHash(opaque.tokenHash!), opaque);
        assert.deepEqual(await s.accessTokens.findById(opaque.id), opaque);
        assert.equal(await s.accessTokens.findByHash('sha256-unknown'), undefined);
        assert.equal(await s.accessTokens.findById(newId(KeyPrefix.token)), undefined);
      });

      test('JWT tokens have no hash and may have no ext; several can coexist', async () => {
        const s = store();
        const j1 = makeToken(app.id, u1.id, { format: 'jwt', tokenHash: null, ext: null });
        const j2 = makeToken(app.id, u1.id, { format: 'jwt', tokenHash: null, ext: {} });
        await s.accessTokens.insert(j1);
        await s.accessTokens.insert(j2);
        assert.deepEqual(await s.accessTokens.findById(j1.id), j1);
        assert.deepEqual(await s.accessTokens.findById(j2.id), j2);
      });

      test('tokens and approvals for an unknown app or user are rejected (foreign keys are enforced)', async () => {
        const s = store();
        const ghostApp = newId(KeyPrefix.connectedApp);
        const ghostUser = newId(KeyPrefix.user);
        const t1 = makeToken(ghostApp, u1.id);
        const t2 = makeToken(app.id, ghostUser);
        await assert.rejects(s.accessTokens.insert(t1));
        await assert.rejects(s.accessTokens.insert(t2));
        await assert.rejects(s.approvals.upsert(makeApproval(app.id, ghostUser)));
        assert.equal(await s.accessTokens.findById(t1.id), undefined);
        assert.equal(await s.accessTokens.findById(t2.id), undefined);
        assert.deepEqual(await s.approvals.list({ userId: ghostUser }), []);
      });

      test('a duplicate token hash is rejected', async () => {
        const s = store();
        const t = makeToken(app.id, u1.id);
        await s.accessTokens.insert(t);
        await assert.rejects(s.accessTokens.insert(makeToken(app.id, u1.id, { tokenHash: t.tokenHash })));
      });

      test('revoke is true once, then false; unknown ids are false', async () => {
        const s = store();
        const t = makeToken(app.id, u1.id);
        await s.accessTokens.insert(t);
        assert.equal(await s.accessTokens.revoke(t.id, T + 111), true);
        assert.equal(await s.accessTokens.revoke(t.id, T + 222), false);
        assert.deepEqual(await s.accessTokens.findById(t.id), { ...t, revokedAt: T + 111 });
        assert.equal(await s.accessTokens.revoke(newId(KeyPrefix.token), T), false);
      });

      test('10 parallel revokes of one token: exactly one true', async () => {
        const s = store();
        const t = makeToken(app.id, u1.id);
        await s.accessTokens.insert(t);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => s.accessTokens.revoke(t.id, T + 1000 + i)),
        );
        assert.equal(results.filter((r) => r).length, 1);
        assert.deepEqual(await s.accessTokens.findById(t.id), {
          ...t,
          revokedAt: T + 1000 + results.indexOf(true),
        });
      });

      test('revokeForAppUser revokes and counts only live tokens of that app and user', async () => {
        const s = store();
        const at = T + 50_000_000;
        const live1 = makeToken(app2.id, u2.id, { expiresAt: at + 1 });
        const live2 = makeToken(app2.id, u2.id, { expiresAt: at + 9_000_000 });
        const expired = makeToken(app2.id, u2.id, { expiresAt: at });
        const revoked = makeToken(app2.id, u2.id, { expiresAt: at + 1000, revokedAt: T + 7 });
        const otherUser = makeToken(app2.id, u1.id, { expiresAt: at + 1000 });
        const otherApp = makeToken(app.id, u2.id, { expiresAt: at + 1000 });
        for (const t of [live1, live2, expired, revoked, otherUser, otherApp]) await s.accessTokens.insert(t);

        assert.equal(await s.accessTokens.revokeForAppUser(app2.id, u2.id, at), 2);

        assert.deepEqual(await s.accessTokens.findById(live1.id), { ...live1, revokedAt: at });
        assert.deepEqual(await s.accessTokens.findById(live2.id), { ...live2, revokedAt: at });
        assert.deepEqual(await s.accessTokens.findById(expired.id), expired);
        assert.deepEqual(await s.accessTokens.findById(revoked.id), revoked);
        assert.deepEqual(await s.accessTokens.findById(otherUser.id), otherUser);
        assert.deepEqual(await s.accessTokens.findById(otherApp.id), otherApp);
        assert.equal(await s.accessTokens.revokeForAppUser(app2.id, u2.id, at), 0);
      });

      test('purgeExpired deletes at most `limit` expired rows and nothing live', async () => {
        const s = store();
        // Far in the past, below every other token in this database.
        const expired = Array.from({ length: 5 }, (_, i) =>
          makeToken(app.id, u1.id, { issuedAt: 1000 + i, expiresAt: 2000 + i }),
        );
        const boundary = makeToken(app.id, u1.id, { issuedAt: 1000, expiresAt: 3000 });
        for (const t of [...expired, boundary]) await s.accessTokens.insert(t);

        assert.equal(await s.accessTokens.purgeExpired(3000, 3), 3);
        assert.equal(await s.accessTokens.purgeExpired(3000, 3), 2);
        assert.equal(await s.accessTokens.purgeExpired(3000, 3), 0);
        for (const t of expired) assert.equal(await s.accessTokens.findById(t.id), undefined);
        // expires_at == before is not "expired before".
        assert.deepEqual(await s.accessTokens.findById(boundary.id), boundary);
        assert.equal(await s.accessTokens.purgeExpired(3001, 10), 1);
        assert.equal(await s.accessTokens.findById(boundary.id), undefined);
      });
    });

    describe('replay', () => {
      const store = useStore(kind);

      test('consume is true the first time and false on replay', async () => {
        const s = store();
        assert.equal(await s.replay.consume('iss:jti-1', T + 300_000, T), true);
        assert.equal(await s.replay.consume('iss:jti-1', T + 300_000, T), false);
        assert.equal(await s.replay.consume('iss:jti-1', T + 900_000, T + 299_999), false);
        assert.equal(await s.replay.consume('iss:jti-2', T + 300_000, T), true);
        // Keys are exact: a case change is another key.
        assert.equal(await s.replay.consume('ISS:JTI-1', T + 300_000, T), true);
      });

      test('50 parallel consumes of one key: exactly one true', async () => {
        const s = store();
        const results = await Promise.all(
          Array.from({ length: 50 }, () => s.replay.consume('iss:race', T + 300_000, T)),
        );
        assert.equal(results.filter((r) => r).length, 1);
        assert.equal(results.filter((r) => !r).length, 49);
      });

      test('an expired record is taken over, and then blocks until its new expiry', async () => {
        const s = store();
        assert.equal(await s.replay.consume('iss:exp', T + 1000, T), true);
        assert.equal(await s.replay.consume('iss:exp', T + 5000, T + 999), false);
        assert.equal(await s.replay.consume('iss:exp', T + 5000, T + 1000), true);
        assert.equal(await s.replay.consume('iss:exp', T + 9000, T + 4999), false);
        assert.equal(await s.replay.consume('iss:exp', T + 9000, T + 5000), true);
      });

      test('50 parallel takeovers of one expired key: exactly one true', async () => {
        const s = store();
        assert.equal(await s.replay.consume('iss:race-exp', T + 10, T), true);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => s.replay.consume('iss:race-exp', T + 1_000_000, T + 10)),
        );
        assert.equal(results.filter((r) => r).length, 1);
      });

      test('purgeExpired deletes at most `limit` records expired before the cut-off', async () => {
        const s = store();
        for (let i = 0; i < 4; i++) assert.equal(await s.replay.consume(`old-${i}`, 100 + i, 0), true);
        assert.equal(await s.replay.consume('old-boundary', 200, 0), true);
        assert.equal(await s.replay.purgeExpired(200, 3), 3);
        assert.equal(await s.replay.purgeExpired(200, 3), 1);
        assert.equal(await s.replay.purgeExpired(200, 3), 0);
        // The boundary record (expires_at == before) still blocks a replay at time 199.
        assert.equal(await s.replay.consume('old-boundary', 500, 199), false);
        // Purged keys are gone, so they can be consumed again.
        assert.equal(await s.replay.consume('old-0', 500, 0), true);
      });
    });

    describe('signing keys', () => {
      const store = useStore(kind);

      test('insert, list oldest first, retire true once', async () => {
        const s = store();
        assert.deepEqual(await s.signingKeys.list(), []);
        const newer = makeKey({ createdAt: T + 2000, alg: 'RS256' });
        const older = makeKey({ createdAt: T + 1000 });
        const retired = makeKey({ createdAt: T + 3000, retiredAt: T + 3500 });
        await s.signingKeys.insert(newer);
        await s.signingKeys.insert(older);
        await s.signingKeys.insert(retired);
        assert.deepEqual(await s.signingKeys.list(), [older, newer, retired]);
        await assert.rejects(s.signingKeys.insert({ ...older, alg: 'RS256' }));

        assert.equal(await s.signingKeys.retire(older.kid, T + 9000), true);
        assert.equal(await s.signingKeys.retire(older.kid, T + 9999), false);
        assert.equal(await s.signingKeys.retire(retired.kid, T + 9999), false);
        assert.equal(await s.signingKeys.retire('no-such-kid', T), false);
        assert.deepEqual(await s.signingKeys.list(), [{ ...older, retiredAt: T + 9000 }, newer, retired]);
      });
    });

    describe('audit', () => {
      const store = useStore(kind);
      const base: Omit<AuditEvent, 'at'> = {
        event: 'token',
        clientId: null,
        userId: null,
        username: null,
        grantType: null,
        result: 'success',
        errorCode: null,
        errorDescription: null,
        sourceIp: null,
      };
      const events: AuditEvent[] = [
        {
          ...base,
          at: T + 1,
          clientId: 'c1',
          userId: 'u1',
          username: 'a@x',
          grantType: 'client_credentials',
        },
        {
          ...base,
          at: T + 2,
          clientId: 'c1',
          grantType: 'client_credentials',
          result: 'failure',
          errorCode: 'invalid_client',
          errorDescription: 'bad secret',
          sourceIp: '127.0.0.1',
        },
        {
          ...base,
          at: T + 3,
          clientId: 'c2',
          userId: 'u2',
          username: 'b@x',
          grantType: 'jwt-bearer',
          tokenId: 'st-0b1c5e52-2f0e-4a57-9d0c-5a1f6f7f3c11',
        },
        {
          ...base,
          at: T + 4,
          event: 'revoke',
          clientId: 'c2',
          userId: 'u1',
          username: 'a@x',
          sourceIp: '::1',
        },
        { ...base, at: T + 5 },
      ];
      // What list() returns: the stored ids, newest first.
      let stored: AuditEvent[];
      const pick = (...ats: number[]) => stored.filter((e) => ats.includes(e.at - T));

      before(async () => {
        for (const e of events) await store().audit.record(e);
      });

      test('list without a filter returns every event, newest first, with ascending numeric ids', async () => {
        stored = await store().audit.list({});
        assert.deepEqual(
          stored.map(({ id: _, ...e }) => e),
          [...events].reverse(),
        );
        const ids = stored.map((e) => e.id);
        for (const id of ids) assert.equal(typeof id, 'number');
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => b! - a!),
        );
        assert.equal(new Set(ids).size, events.length);
      });

      test('every filter, alone and combined', async () => {
        const s = store();
        assert.deepEqual(await s.audit.list({ clientId: 'c1' }), pick(2, 1));
        assert.deepEqual(await s.audit.list({ userId: 'u1' }), pick(4, 1));
        assert.deepEqual(await s.audit.list({ username: 'b@x' }), pick(3));
        assert.deepEqual(await s.audit.list({ grantType: 'client_credentials' }), pick(2, 1));
        assert.deepEqual(await s.audit.list({ result: 'failure' }), pick(2));
        assert.deepEqual(await s.audit.list({ result: 'success' }), pick(5, 4, 3, 1));
        assert.deepEqual(await s.audit.list({ since: T + 3 }), pick(5, 4, 3));
        assert.deepEqual(await s.audit.list({ since: T + 6 }), []);
        assert.deepEqual(await s.audit.list({ clientId: 'c2', userId: 'u1' }), pick(4));
        assert.deepEqual(await s.audit.list({ clientId: 'c1', result: 'success', since: T + 1 }), pick(1));
        assert.deepEqual(await s.audit.list({ clientId: 'nope' }), []);
      });

      test('limit keeps the newest events', async () => {
        const s = store();
        assert.deepEqual(await s.audit.list({ limit: 2 }), pick(5, 4));
        assert.deepEqual(await s.audit.list({ result: 'success', limit: 3 }), pick(5, 4, 3));
        assert.deepEqual(await s.audit.list({ limit: 1, since: T + 1, clientId: 'c1' }), pick(2));
      });

      test('without a limit, at most 100 events come back', async () => {
        const s = store();
        for (let i = 0; i < 101; i++) await s.audit.record({ ...base, at: T + 1000 + i, event: 'bulk' });
        const page = await s.audit.list({});
        assert.equal(page.length, 100);
        assert.equal(page[0]!.at, T + 1100);
        assert.equal(page[99]!.at, T + 1001);
      });
    });

    describe('settings', () => {
      const store = useStore(kind);

      test('get is undefined for an unknown key; set then get; set overwrites', async () => {
        const s = store();
        assert.equal(await s.settings.get('k'), undefined);
        await s.settings.set('k', 'v1');
        assert.equal(await s.settings.get('k'), 'v1');
        await s.settings.set('k', 'v2');
        assert.equal(await s.settings.get('k'), 'v2');
        await s.settings.set('empty', '');
        assert.equal(await s.settings.get('empty'), '');
      });

      test('putIfAbsent stores when absent and otherwise returns what is stored', async () => {
        const s = store();
        assert.equal(await s.settings.putIfAbsent('p', 'first'), 'first');
        assert.equal(await s.settings.putIfAbsent('p', 'second'), 'first');
        assert.equal(await s.settings.get('p'), 'first');
        assert.equal(await s.settings.putIfAbsent('k', 'ignored'), 'v2');
      });

      test('10 parallel putIfAbsent calls: one value wins and everyone is told it', async () => {
        const s = store();
        const values = Array.from({ length: 10 }, (_, i) => `candidate-${i}`);
        const results = await Promise.all(values.map((v) => s.settings.putIfAbsent('race', v)));
        const winner = await s.settings.get('race');
        assert.ok(winner !== undefined && values.includes(winner));
        assert.deepEqual(
          results,
          values.map(() => winner),
        );
      });
    });

    describe('open, migrations, ping and close', () => {
      let db: TestDatabase;
      before(async () => {
        db = await freshDatabase(kind);
      });
      after(() => db.drop());

      test('reopening runs no migration and keeps the data; numbers stay numbers', async () => {
        const first = await openStore(db.url);
        const app = makeApp({ createdAt: 4_102_444_800_123, updatedAt: 4_102_444_800_456 });
        const user = makeUser({ createdAt: 4_102_444_800_789, updatedAt: 4_102_444_800_999 });
        const token = makeToken(app.id, user.id, {
          issuedAt: 4_102_444_800_001,
          expiresAt: 4_102_444_900_001,
          revokedAt: 4_102_444_800_002,
        });
        try {
          await first.apps.create(app, [makeSecret(app.id, { createdAt: 4_102_444_800_003 })], []);
          assert.equal(await first.users.create(user), true);
          await first.accessTokens.insert(token);
          await first.audit.record({
            at: 4_102_444_800_004,
            event: 'token',
            clientId: null,
            userId: null,
            username: null,
            grantType: null,
            result: 'success',
            errorCode: null,
            errorDescription: null,
            sourceIp: null,
          });
        } finally {
          await first.close();
        }
        const migrated = await migrationRows(db.url);
        assert.deepEqual(
          migrated.map((r) => r.name),
          Object.keys(migrations(kind)).sort(),
        );

        const second = await openStore(db.url);
        try {
          assert.deepEqual(await migrationRows(db.url), migrated);
          assert.deepEqual(await second.apps.findById(app.id), app);
          assert.deepEqual(await second.users.findById(user.id), user);
          const t = await second.accessTokens.findById(token.id);
          assert.deepEqual(t, token);
          // Explicit, because a BIGINT parsed as a string would look alike in a message.
          assert.equal(typeof t?.issuedAt, 'number');
          assert.equal(typeof t?.expiresAt, 'number');
          assert.equal(typeof t?.revokedAt, 'number');
          const [secret] = await second.apps.secrets(app.id);
          assert.equal(secret?.createdAt, 4_102_444_800_003);
          const [event] = await second.audit.list({});
          assert.equal(event?.id, 1);
          assert.equal(event?.at, 4_102_444_800_004);
        } finally {
          await second.close();
        }
      });

      test('two processes opening a fresh database at once both come up; it is migrated once', {
        timeout: 60_000,
      }, async () => {
        const fresh = await freshDatabase(kind);
        try {
          const openers = [startOpener(fresh.url), startOpener(fresh.url)];
          await Promise.all(openers.map((o) => o.ready));
          for (const o of openers) o.go();
          assert.deepEqual(await Promise.all(openers.map((o) => o.done)), ['opened', 'opened']);
          assert.deepEqual(
            (await migrationRows(fresh.url)).map((r) => r.name),
            Object.keys(migrations(kind)).sort(),
          );
          const s = await openStore(fresh.url);
          try {
            assert.equal(await s.ping(), undefined);
          } finally {
            await s.close();
          }
        } finally {
          await fresh.drop();
        }
      });

      test('a store whose PostgreSQL connections are cut keeps the process alive and reconnects', {
        skip: kind !== 'postgres' && 'PostgreSQL only: SQLite has no server connection to lose',
      }, async () => {
        const s = await openStore(db.url);
        try {
          // Leave idle clients in the pool, then have the server kill their sessions.
          await Promise.all([s.ping(), s.ping(), s.ping()]);
          const admin = new pg.Client({ connectionString: db.url });
          await admin.connect();
          try {
            const r = await admin.query(
              'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
            );
            assert.ok(r.rows[0].n >= 1);
          } finally {
            await admin.end();
          }
          // An idle client's error is emitted on the pool; unhandled, it would crash the process.
          await new Promise((r) => setTimeout(r, 100));
          assert.equal(await s.ping(), undefined);
          assert.equal(await s.settings.putIfAbsent('after-cut', 'ok'), 'ok');
        } finally {
          await s.close();
        }
      });

      test('ping resolves on an open store; after close, calls reject instead of hanging', {
        timeout: 10_000,
      }, async () => {
        const s = await openStore(db.url);
        assert.equal(s.dialect, kind);
        assert.equal(await s.ping(), undefined);
        await s.close();
        await assert.rejects(s.ping());
        await assert.rejects(s.users.findById(newId(KeyPrefix.user)));
        await assert.rejects(s.replay.consume('after-close', T + 1, T));
      });
    });

    // ---- authorization-code flow: codes, browser sessions, login throttle (migration 0003) ----

    describe('authorization codes', () => {
      const store = useStore(kind);
      let app: App;
      let user: User;
      const code = (over: Partial<AuthorizationCode> = {}): AuthorizationCode => {
        const n = next();
        return {
          codeHash: `code-hash-${n}`,
          appId: app.id,
          userId: user.id,
          approvalId: newId(KeyPrefix.approval),
          redirectUri: 'https://client.example/cb?x=1',
          scopes: ['api', 'refresh_token'],
          codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          createdAt: 4_102_444_800_000 + n,
          expiresAt: 4_102_444_860_000 + n,
          consumedAt: null,
          accessTokenId: null,
          refreshFamilyId: null,
          reusedAt: null,
          ...over,
        };
      };

      before(async () => {
        const s = store();
        app = makeApp();
        user = makeUser();
        await s.apps.create(app, [], []);
        assert.equal(await s.users.create(user), true);
      });

      test('insert and findByHash round-trip exactly (nulls and BIGINT times included)', async () => {
        const s = store();
        const c = code();
        const bare = code({ approvalId: null, codeChallenge: null, scopes: [] });
        await s.authorizationCodes.insert(c);
        await s.authorizationCodes.insert(bare);
        assert.deepEqual(await s.authorizationCodes.findByHash(c.codeHash), c);
        assert.deepEqual(await s.authorizationCodes.findByHash(bare.codeHash), bare);
        assert.equal(await s.authorizationCodes.findByHash('no-such-hash'), undefined);
      });

      test('consume is true once for a live code and records the access token id', async () => {
        const s = store();
        const c = code();
        await s.authorizationCodes.insert(c);
        const at = c.expiresAt - 1;
        assert.equal(await s.authorizationCodes.consume(c.codeHash, at, 'at-1'), true);
        assert.equal(await s.authorizationCodes.consume(c.codeHash, at, 'at-2'), false);
        assert.deepEqual(await s.authorizationCodes.findByHash(c.codeHash), {
          ...c,
          consumedAt: at,
          accessTokenId: 'at-1',
        });
        assert.equal(await s.authorizationCodes.consume('no-such-hash', at, 'at-3'), false);
      });

      test('an expired code is not consumed (expiresAt <= now)', async () => {
        const s = store();
        const c = code();
        await s.authorizationCodes.insert(c);
        assert.equal(await s.authorizationCodes.consume(c.codeHash, c.expiresAt, 'at'), false);
        assert.equal((await s.authorizationCodes.findByHash(c.codeHash))?.consumedAt, null);
      });

      test('20 parallel consumes of one code: exactly one true', async () => {
        const s = store();
        const c = code();
        await s.authorizationCodes.insert(c);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            s.authorizationCodes.consume(c.codeHash, c.createdAt, `at-${i}`),
          ),
        );
        assert.equal(results.filter((r) => r).length, 1);
        const winner = results.indexOf(true);
        assert.equal((await s.authorizationCodes.findByHash(c.codeHash))?.accessTokenId, `at-${winner}`);
      });

      test('markReused flags only a consumed code, keeps the first time, and returns what it issued', async () => {
        const s = store();
        const c = code();
        await s.authorizationCodes.insert(c);
        assert.equal(await s.authorizationCodes.markReused(c.codeHash, c.createdAt), undefined);
        assert.equal(await s.authorizationCodes.consume(c.codeHash, c.createdAt + 1, 'at-x'), true);
        const withFamily = await s.authorizationCodes.setRefreshFamily(c.codeHash, 'family-x');
        assert.equal(withFamily?.refreshFamilyId, 'family-x');
        assert.equal(withFamily?.reusedAt, null);
        const reused = await s.authorizationCodes.markReused(c.codeHash, c.createdAt + 2);
        assert.deepEqual(reused, {
          ...c,
          consumedAt: c.createdAt + 1,
          accessTokenId: 'at-x',
          refreshFamilyId: 'family-x',
          reusedAt: c.createdAt + 2,
        });
        assert.equal(
          (await s.authorizationCodes.markReused(c.codeHash, c.createdAt + 9))?.reusedAt,
          c.createdAt + 2,
        );
        assert.equal(await s.authorizationCodes.markReused('no-such-hash', c.createdAt), undefined);
      });

      test('setRefreshFamily after a reuse tells the caller (reusedAt set)', async () => {
        const s = store();
        const c = code();
        await s.authorizationCodes.insert(c);
        assert.equal(await s.authorizationCodes.consume(c.codeHash, c.createdAt, 'at-y'), true);
        assert.ok(await s.authorizationCodes.markReused(c.codeHash, c.createdAt + 5));
        const after = await s.authorizationCodes.setRefreshFamily(c.codeHash, 'family-y');
        assert.equal(after?.reusedAt, c.createdAt + 5);
        assert.equal(after?.refreshFamilyId, 'family-y');
        assert.equal(await s.authorizationCodes.setRefreshFamily('no-such-hash', 'f'), undefined);
      });

      test('purgeExpired deletes at most `limit` codes expired before the cut-off', async () => {
        const s = store();
        const old = [1, 2, 3].map((i) => code({ expiresAt: 1000 + i, createdAt: 900 }));
        for (const c of old) await s.authorizationCodes.insert(c);
        const boundary = code({ expiresAt: 2000, createdAt: 900 });
        await s.authorizationCodes.insert(boundary);
        assert.equal(await s.authorizationCodes.purgeExpired(2000, 2), 2);
        assert.equal(await s.authorizationCodes.purgeExpired(2000, 2), 1);
        assert.equal(await s.authorizationCodes.purgeExpired(2000, 2), 0);
        assert.ok(await s.authorizationCodes.findByHash(boundary.codeHash));
      });

      test("deleting the user or the app removes their codes and the user's sessions", async () => {
        const s = store();
        const u = makeUser();
        const a = makeApp();
        assert.equal(await s.users.create(u), true);
        await s.apps.create(a, [], []);
        const byUser = code({ userId: u.id });
        const byApp = code({ appId: a.id });
        await s.authorizationCodes.insert(byUser);
        await s.authorizationCodes.insert(byApp);
        await s.sessions.create({
          idHash: 'sess-of-u',
          userId: u.id,
          csrfSecret: 'c',
          createdAt: T,
          expiresAt: T + 1,
        });
        assert.equal(await s.users.delete(u.id), true);
        assert.equal(await s.apps.delete(a.id), true);
        assert.equal(await s.authorizationCodes.findByHash(byUser.codeHash), undefined);
        assert.equal(await s.authorizationCodes.findByHash(byApp.codeHash), undefined);
        assert.equal(await s.sessions.find('sess-of-u', T), undefined);
      });
    });

    describe('browser sessions', () => {
      const store = useStore(kind);
      let user: User;

      before(async () => {
        user = makeUser();
        assert.equal(await store().users.create(user), true);
      });

      test('create and find round-trip; a session without a user is allowed', async () => {
        const s = store();
        const signedIn: BrowserSession = {
          idHash: 'sess-1',
          userId: user.id,
          csrfSecret: 'csrf-1',
          createdAt: 4_102_444_800_000,
          expiresAt: 4_102_452_000_000,
        };
        const anonymous: BrowserSession = {
          ...signedIn,
          idHash: 'sess-2',
          userId: null,
          csrfSecret: 'csrf-2',
        };
        await s.sessions.create(signedIn);
        await s.sessions.create(anonymous);
        assert.deepEqual(await s.sessions.find('sess-1', signedIn.createdAt), signedIn);
        assert.deepEqual(await s.sessions.find('sess-2', signedIn.createdAt), anonymous);
        assert.equal(await s.sessions.find('sess-unknown', signedIn.createdAt), undefined);
      });

      test('find ignores an expired session (expiresAt <= now); delete is true once', async () => {
        const s = store();
        await s.sessions.create({
          idHash: 'sess-exp',
          userId: user.id,
          csrfSecret: 'c',
          createdAt: T,
          expiresAt: T + 10,
        });
        assert.ok(await s.sessions.find('sess-exp', T + 9));
        assert.equal(await s.sessions.find('sess-exp', T + 10), undefined);
        assert.equal(await s.sessions.delete('sess-exp'), true);
        assert.equal(await s.sessions.delete('sess-exp'), false);
      });

      test('purgeExpired deletes at most `limit` sessions expired before the cut-off', async () => {
        const s = store();
        for (let i = 0; i < 3; i++) {
          await s.sessions.create({
            idHash: `old-${i}`,
            userId: null,
            csrfSecret: 'c',
            createdAt: 1,
            expiresAt: 100 + i,
          });
        }
        await s.sessions.create({
          idHash: 'old-boundary',
          userId: null,
          csrfSecret: 'c',
          createdAt: 1,
          expiresAt: 200,
        });
        assert.equal(await s.sessions.purgeExpired(200, 2), 2);
        assert.equal(await s.sessions.purgeExpired(200, 2), 1);
        assert.equal(await s.sessions.purgeExpired(200, 2), 0);
        assert.ok(await s.sessions.find('old-boundary', 199));
      });
    });

    describe('login throttle', () => {
      const store = useStore(kind);
      const fail = (username: string, address: string, at: number): LoginFailure => ({
        id: `lf-${next()}`,
        username,
        address,
        at,
      });

      test('count per username and per address, from `since` inclusive', async () => {
        const s = store();
        await s.loginThrottle.record(fail('amy@x.com', '10.0.0.1', T));
        await s.loginThrottle.record(fail('amy@x.com', '10.0.0.2', T + 10));
        await s.loginThrottle.record(fail('bob@x.com', '10.0.0.1', T + 20));
        await s.loginThrottle.record(fail('AMY@x.com', '10.0.0.3', T + 30));
        assert.deepEqual(await s.loginThrottle.count('amy@x.com', '10.0.0.1', T), {
          username: 2,
          address: 2,
        });
        assert.deepEqual(await s.loginThrottle.count('amy@x.com', '10.0.0.1', T + 10), {
          username: 1,
          address: 1,
        });
        assert.deepEqual(await s.loginThrottle.count('amy@x.com', '10.0.0.1', T + 21), {
          username: 0,
          address: 0,
        });
        assert.deepEqual(await s.loginThrottle.count('nobody', '10.9.9.9', 0), { username: 0, address: 0 });
      });

      test('delete removes one record; clearUsername forgets a username but not its addresses', async () => {
        const s = store();
        const f = fail('cat@x.com', '10.1.0.1', T);
        await s.loginThrottle.record(f);
        await s.loginThrottle.record(fail('cat@x.com', '10.1.0.1', T + 1));
        await s.loginThrottle.record(fail('dan@x.com', '10.1.0.1', T + 2));
        assert.equal(await s.loginThrottle.delete(f.id), true);
        assert.equal(await s.loginThrottle.delete(f.id), false);
        assert.deepEqual(await s.loginThrottle.count('cat@x.com', '10.1.0.1', T), {
          username: 1,
          address: 2,
        });
        assert.equal(await s.loginThrottle.clearUsername('cat@x.com'), 1);
        assert.deepEqual(await s.loginThrottle.count('cat@x.com', '10.1.0.1', T), {
          username: 0,
          address: 1,
        });
      });

      test('purgeBefore deletes at most `limit` records older than the cut-off', async () => {
        const s = store();
        for (let i = 0; i < 3; i++) await s.loginThrottle.record(fail('old@x.com', '10.2.0.1', 100 + i));
        await s.loginThrottle.record(fail('old@x.com', '10.2.0.1', 200));
        assert.equal(await s.loginThrottle.purgeBefore(200, 2), 2);
        assert.equal(await s.loginThrottle.purgeBefore(200, 2), 1);
        assert.equal(await s.loginThrottle.purgeBefore(200, 2), 0);
        assert.deepEqual(await s.loginThrottle.count('old@x.com', '10.2.0.1', 0), {
          username: 1,
          address: 1,
        });
      });
    });
    describe('refresh tokens', () => {
      const store = useStore(kind);
      type Family = Parameters<Store['refreshTokens']['createFamily']>[0];
      type RToken = Parameters<Store['refreshTokens']['createFamily']>[1];
      let app: App;
      let user: User;
      let approval: Approval;

      const family = (over: Partial<Family> = {}): Family => {
        const n = next();
        return {
          id: `family-${n}`,
          appId: app.id,
          userId: user.id,
          approvalId: approval.id,
          scopes: ['api', 'refresh_token'],
          createdAt: 4_102_444_800_000 + n,
          expiresAt: null,
          revokedAt: null,
          ...over,
        };
      };
      const rtoken = (familyId: string, over: Partial<RToken> = {}): RToken => {
        const n = next();
        return {
          hash: `rt-hash-${n}`,
          familyId,
          parentHash: null,
          issuedAt: 4_102_444_800_000 + n,
          lastUsedAt: null,
          retiredAt: null,
          successorHash: null,
          graceSealed: null,
          graceUntil: null,
          ...over,
        };
      };
      /** A family with its first token, stored. */
      async function started(over: Partial<Family> = {}): Promise<{ f: Family; t: RToken }> {
        const f = family(over);
        const t = rtoken(f.id);
        await store().refreshTokens.createFamily(f, t);
        return { f, t };
      }
      const rotation = (
        parent: RToken,
        at: number,
        grace: { sealed: string; until: number } | null = null,
      ) => {
        const successor = rtoken(parent.familyId, { parentHash: parent.hash, issuedAt: at });
        const accessToken = makeToken(app.id, user.id, {
          familyId: parent.familyId,
          grantType: 'refresh_token',
        });
        return { parentHash: parent.hash, at, successor, accessToken, grace };
      };

      before(async () => {
        const s = store();
        app = makeApp();
        user = makeUser();
        await s.apps.create(app, [], []);
        assert.equal(await s.users.create(user), true);
        approval = await s.approvals.upsert(makeApproval(app.id, user.id));
      });

      test('createFamily, findFamily, findByHash and listTokens round-trip every field', async () => {
        const s = store();
        const f = family({ expiresAt: 4_102_444_900_000, approvalId: null });
        const t = rtoken(f.id, {
          parentHash: 'p',
          lastUsedAt: 4_102_444_800_111,
          retiredAt: 4_102_444_800_222,
          successorHash: 'succ',
          graceSealed: 'sealed',
          graceUntil: 4_102_444_800_333,
        });
        await s.refreshTokens.createFamily(f, t);
        assert.deepEqual(await s.refreshTokens.findFamily(f.id), f);
        assert.deepEqual(await s.refreshTokens.findByHash(t.hash), { token: t, family: f });
        assert.deepEqual(await s.refreshTokens.listTokens(f.id), [t]);
        const found = await s.refreshTokens.findByHash(t.hash);
        assert.equal(typeof found?.token.graceUntil, 'number');
        assert.equal(await s.refreshTokens.findByHash('rt-unknown'), undefined);
        assert.equal(await s.refreshTokens.findFamily('family-unknown'), undefined);
        assert.deepEqual(await s.refreshTokens.listTokens('family-unknown'), []);
      });

      test('createFamily is atomic: an unknown app or user, or a duplicate hash, leaves no family', async () => {
        const s = store();
        const { t } = await started();
        const ghostApp = family({ appId: newId(KeyPrefix.connectedApp) });
        const ghostUser = family({ userId: newId(KeyPrefix.user) });
        const dupHash = family();
        await assert.rejects(s.refreshTokens.createFamily(ghostApp, rtoken(ghostApp.id)));
        await assert.rejects(s.refreshTokens.createFamily(ghostUser, rtoken(ghostUser.id)));
        await assert.rejects(s.refreshTokens.createFamily(dupHash, rtoken(dupHash.id, { hash: t.hash })));
        for (const f of [ghostApp, ghostUser, dupHash]) {
          assert.equal(await s.refreshTokens.findFamily(f.id), undefined);
        }
      });

      test('rotate is true once: the parent is retired, the successor and access token stored', async () => {
        const s = store();
        const { f, t } = await started();
        const r = rotation(t, T + 100, { sealed: 'seal', until: T + 10_100 });
        assert.equal(await s.refreshTokens.rotate(r), true);
        assert.deepEqual((await s.refreshTokens.findByHash(t.hash))?.token, {
          ...t,
          retiredAt: T + 100,
          successorHash: r.successor.hash,
          graceSealed: 'seal',
          graceUntil: T + 10_100,
        });
        assert.deepEqual((await s.refreshTokens.findByHash(r.successor.hash))?.token, r.successor);
        assert.deepEqual(await s.accessTokens.findById(r.accessToken.id), r.accessToken);
        assert.equal((await s.accessTokens.findById(r.accessToken.id))?.familyId, f.id);

        const again = rotation(t, T + 200);
        assert.equal(await s.refreshTokens.rotate(again), false);
        assert.equal(await s.refreshTokens.findByHash(again.successor.hash), undefined);
        assert.equal(await s.accessTokens.findById(again.accessToken.id), undefined);
        assert.equal((await s.refreshTokens.findByHash(t.hash))?.token.retiredAt, T + 100);
      });

      test("rotating the successor wipes its parent's grace seal", async () => {
        const s = store();
        const { t } = await started();
        const r1 = rotation(t, T + 1, { sealed: 'seal-1', until: T + 60_000 });
        assert.equal(await s.refreshTokens.rotate(r1), true);
        assert.equal(await s.refreshTokens.rotate(rotation(r1.successor, T + 2)), true);
        const parent = (await s.refreshTokens.findByHash(t.hash))?.token;
        assert.equal(parent?.graceSealed, null);
        assert.equal(parent?.graceUntil, T + 60_000);
      });

      test('20 parallel rotations of one token: exactly one wins, one successor, one access token', async () => {
        const s = store();
        const { f, t } = await started();
        const attempts = Array.from({ length: 20 }, (_, i) => rotation(t, T + 1000 + i));
        const results = await Promise.all(attempts.map((r) => s.refreshTokens.rotate(r)));
        assert.equal(results.filter(Boolean).length, 1);
        const winner = attempts[results.indexOf(true)]!;
        const tokens = await s.refreshTokens.listTokens(f.id);
        assert.equal(tokens.length, 2);
        assert.deepEqual(
          tokens.filter((x) => x.retiredAt === null).map((x) => x.hash),
          [winner.successor.hash],
        );
        const stored = await Promise.all(attempts.map((r) => s.accessTokens.findById(r.accessToken.id)));
        assert.equal(stored.filter(Boolean).length, 1);
      });

      test('recordUse sets lastUsedAt and stores the access token; false on a retired token', async () => {
        const s = store();
        const { t } = await started();
        const at1 = makeToken(app.id, user.id, { familyId: t.familyId });
        assert.equal(await s.refreshTokens.recordUse(t.hash, T + 5, at1), true);
        assert.equal((await s.refreshTokens.findByHash(t.hash))?.token.lastUsedAt, T + 5);
        assert.deepEqual(await s.accessTokens.findById(at1.id), at1);
        assert.equal(await s.refreshTokens.rotate(rotation(t, T + 6)), true);
        const at2 = makeToken(app.id, user.id, { familyId: t.familyId });
        assert.equal(await s.refreshTokens.recordUse(t.hash, T + 7, at2), false);
        assert.equal(await s.accessTokens.findById(at2.id), undefined);
        assert.equal(await s.refreshTokens.recordUse('rt-unknown', T, at2), false);
      });

      test('revokeFamily: true once; retires live tokens, wipes seals, revokes only its access tokens', async () => {
        const s = store();
        const { f, t } = await started();
        const r = rotation(t, T + 10, { sealed: 'seal', until: T + 99_999 });
        await s.refreshTokens.rotate(r);
        const gone = makeToken(app.id, user.id, { familyId: f.id, revokedAt: T + 1 });
        const otherFamily = await started();
        const foreign = makeToken(app.id, user.id, { familyId: otherFamily.f.id });
        const plain = makeToken(app.id, user.id);
        for (const x of [gone, foreign, plain]) await s.accessTokens.insert(x);

        assert.equal(await s.refreshTokens.revokeFamily(f.id, T + 20), true);
        assert.equal(await s.refreshTokens.revokeFamily(f.id, T + 30), false);
        assert.equal((await s.refreshTokens.findFamily(f.id))?.revokedAt, T + 20);
        const tokens = await s.refreshTokens.listTokens(f.id);
        assert.deepEqual(
          tokens.map((x) => [x.hash, x.retiredAt, x.graceSealed]).sort(),
          [
            [t.hash, T + 10, null],
            [r.successor.hash, T + 20, null],
          ].sort(),
        );
        assert.equal((await s.accessTokens.findById(r.accessToken.id))?.revokedAt, T + 20);
        assert.equal((await s.accessTokens.findById(gone.id))?.revokedAt, T + 1);
        assert.equal((await s.accessTokens.findById(foreign.id))?.revokedAt, null);
        assert.equal((await s.accessTokens.findById(plain.id))?.revokedAt, null);
        assert.equal((await s.refreshTokens.findByHash(otherFamily.t.hash))?.token.retiredAt, null);
        assert.equal(await s.refreshTokens.revokeFamily('family-unknown', T), false);
      });

      test('revokeFamily racing rotations leaves no live token or access token in the family', async () => {
        const s = store();
        for (let i = 0; i < 5; i++) {
          const { f, t } = await started();
          const attempts = Array.from({ length: 5 }, (_, j) => rotation(t, T + j));
          const [revoked, ...won] = await Promise.all([
            s.refreshTokens.revokeFamily(f.id, T + 50),
            ...attempts.map((r) => s.refreshTokens.rotate(r)),
          ]);
          assert.equal(revoked, true);
          assert.ok(won.filter(Boolean).length <= 1);
          assert.equal((await s.refreshTokens.findFamily(f.id))?.revokedAt, T + 50);
          for (const r of attempts) {
            const at = await s.accessTokens.findById(r.accessToken.id);
            assert.ok(at === undefined || at.revokedAt !== null, 'an access token outlived its family');
          }
        }
      });

      test('revokeForApproval revokes and counts the live families of that approval only', async () => {
        const s = store();
        const u2 = makeUser();
        assert.equal(await s.users.create(u2), true);
        const a2 = await s.approvals.upsert(makeApproval(app.id, u2.id));
        const a = await started({ approvalId: a2.id, userId: u2.id });
        const b = await started({ approvalId: a2.id, userId: u2.id });
        const dead = await started({ approvalId: a2.id, userId: u2.id, revokedAt: T + 1 });
        const other = await started();
        const at = makeToken(app.id, u2.id, { familyId: b.f.id });
        await s.accessTokens.insert(at);

        assert.equal(await s.refreshTokens.revokeForApproval(a2.id, T + 40), 2);
        assert.equal(await s.refreshTokens.revokeForApproval(a2.id, T + 41), 0);
        for (const x of [a, b]) {
          assert.equal((await s.refreshTokens.findFamily(x.f.id))?.revokedAt, T + 40);
          assert.equal((await s.refreshTokens.findByHash(x.t.hash))?.token.retiredAt, T + 40);
        }
        assert.equal((await s.refreshTokens.findFamily(dead.f.id))?.revokedAt, T + 1);
        assert.equal((await s.refreshTokens.findFamily(other.f.id))?.revokedAt, null);
        assert.equal((await s.accessTokens.findById(at.id))?.revokedAt, T + 40);
      });

      test('purgeEnded deletes at most `limit` revoked or expired families with their tokens', async () => {
        const s = store();
        const ended = [
          await started({ revokedAt: 1000 }),
          await started({ revokedAt: 2000 }),
          await started({ expiresAt: 1500 }),
        ];
        const boundary = await started({ revokedAt: 3000 });
        const live = await started({ expiresAt: 4_102_444_900_000 });
        assert.equal(await s.refreshTokens.purgeEnded(3000, 2), 2);
        assert.equal(await s.refreshTokens.purgeEnded(3000, 2), 1);
        assert.equal(await s.refreshTokens.purgeEnded(3000, 2), 0);
        for (const x of ended) {
          assert.equal(await s.refreshTokens.findFamily(x.f.id), undefined);
          assert.equal(await s.refreshTokens.findByHash(x.t.hash), undefined);
        }
        assert.ok(await s.refreshTokens.findFamily(boundary.f.id));
        assert.ok(await s.refreshTokens.findByHash(live.t.hash));
      });

      test('deleting the app or the user removes its families and tokens', async () => {
        const s = store();
        const a2 = makeApp();
        await s.apps.create(a2, [], []);
        const u2 = makeUser();
        assert.equal(await s.users.create(u2), true);
        const byApp = await started({ appId: a2.id });
        const byUser = await started({ userId: u2.id });
        assert.equal(await s.apps.delete(a2.id), true);
        assert.equal(await s.users.delete(u2.id), true);
        for (const x of [byApp, byUser]) {
          assert.equal(await s.refreshTokens.findFamily(x.f.id), undefined);
          assert.equal(await s.refreshTokens.findByHash(x.t.hash), undefined);
        }
      });
    });

    describe('records and API usage', () => {
      const store = useStore(kind);
      const ORG = '00D000000000001AAA';
      const OTHER_ORG = '00D000000000002AAA';
      const OWNER = '005000000000001AAA';
      const record = (over: Partial<StoredRecord> = {}): StoredRecord => {
        const n = next();
        return {
          id: `001000${String(n).padStart(12, '0')}`,
          orgId: ORG,
          object: 'Account',
          fields: { Name: `Record ${n}`, NumberOfEmployees: n, AnnualRevenue: 1.25, IsPartner: true },
          ownerId: OWNER,
          createdById: OWNER,
          lastModifiedById: OWNER,
          createdAt: 4_102_444_800_000 + n,
          lastModifiedAt: 4_102_444_800_000 + n,
          ...over,
        };
      };

      test('insert, find and list round-trip exactly; null fields are not kept', async () => {
        const s = store();
        const r = record({ fields: { Name: 'Exact', Big: 2 ** 53 - 1, Neg: -0.5, Off: false, Gone: null } });
        await s.records.insert(r);
        const { Gone: _gone, ...kept } = r.fields;
        assert.deepEqual(await s.records.find(ORG, 'Account', r.id), { ...r, fields: kept });
        assert.equal(await s.records.find(ORG, 'Contact', r.id), undefined, 'another object');
        assert.equal(await s.records.find(OTHER_ORG, 'Account', r.id), undefined, 'another org');
        assert.equal(await s.records.find(ORG, 'Account', '001000999999999999'), undefined);
      });

      test('list is per org and object, oldest first, then by id', async () => {
        const s = store();
        const object = `Listed${next()}`;
        const late = record({ object, createdAt: 4_102_444_900_000 });
        const b = record({ object, id: '001000BBBBBBBBBBBB', createdAt: 4_102_444_800_500 });
        const a = record({ object, id: '001000AAAAAAAAAAAA', createdAt: 4_102_444_800_500 });
        for (const r of [
          late,
          b,
          a,
          record({ object, orgId: OTHER_ORG }),
          record({ object: `${object}x` }),
        ]) {
          await s.records.insert(r);
        }
        assert.deepEqual(
          (await s.records.list(ORG, object)).map((r) => r.id),
          [a.id, b.id, late.id],
        );
        assert.deepEqual(await s.records.list(ORG, `Nothing${next()}`), []);
      });

      test('patch merges, clears with null and stamps the change; an unknown record is undefined', async () => {
        const s = store();
        const r = record();
        await s.records.insert(r);
        const by = { userId: '005000000000002AAA', at: 4_102_444_999_999 };
        const after = await s.records.patch(
          ORG,
          'Account',
          r.id,
          { Industry: 'Energy', AnnualRevenue: null },
          by,
        );
        const want: StoredRecord = {
          ...r,
          fields: {
            Name: r.fields.Name!,
            NumberOfEmployees: r.fields.NumberOfEmployees!,
            IsPartner: true,
            Industry: 'Energy',
          },
          lastModifiedById: by.userId,
          lastModifiedAt: by.at,
        };
        assert.deepEqual(after, want);
        assert.deepEqual(await s.records.find(ORG, 'Account', r.id), want);
        assert.equal(
          await s.records.patch(ORG, 'Account', '001000999999999999', { Name: 'x' }, by),
          undefined,
        );
        assert.equal(await s.records.patch(OTHER_ORG, 'Account', r.id, { Name: 'x' }, by), undefined);
        assert.equal((await s.records.find(ORG, 'Account', r.id))?.fields.Name, r.fields.Name);
      });

      test('20 concurrent patches of different fields all survive', async () => {
        const s = store();
        const r = record({ fields: { Name: 'Race' } });
        await s.records.insert(r);
        const by = { userId: OWNER, at: 4_102_444_999_000 };
        await Promise.all(
          Array.from({ length: 20 }, (_, i) => s.records.patch(ORG, 'Account', r.id, { [`F${i}`]: i }, by)),
        );
        const fields = (await s.records.find(ORG, 'Account', r.id))!.fields;
        assert.deepEqual(Object.keys(fields).length, 21);
        for (let i = 0; i < 20; i++) assert.equal(fields[`F${i}`], i);
      });

      test('delete is true once, and only in its org and object', async () => {
        const s = store();
        const r = record();
        await s.records.insert(r);
        assert.equal(await s.records.delete(OTHER_ORG, 'Account', r.id), false);
        assert.equal(await s.records.delete(ORG, 'Contact', r.id), false);
        assert.equal(await s.records.delete(ORG, 'Account', r.id), true);
        assert.equal(await s.records.delete(ORG, 'Account', r.id), false);
        assert.equal(await s.records.find(ORG, 'Account', r.id), undefined);
      });

      test('apiUsage counts per app and day; 50 parallel increments get 1..50 once each', async () => {
        const s = store();
        const app = makeApp();
        const other = makeApp();
        await s.apps.create(app, [], []);
        await s.apps.create(other, [], []);
        assert.equal(await s.apiUsage.count(app.id, '2030-01-01'), 0);
        assert.equal(await s.apiUsage.increment(app.id, '2030-01-01'), 1);
        assert.equal(await s.apiUsage.increment(app.id, '2030-01-01'), 2);
        assert.equal(await s.apiUsage.increment(app.id, '2030-01-02'), 1, 'a new day');
        assert.equal(await s.apiUsage.increment(other.id, '2030-01-01'), 1, 'another app');
        const counts = await Promise.all(
          Array.from({ length: 50 }, () => s.apiUsage.increment(app.id, '2030-01-03')),
        );
        assert.deepEqual(
          counts.sort((x, y) => x - y),
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        assert.equal(await s.apiUsage.count(app.id, '2030-01-03'), 50);

        assert.equal(await s.apiUsage.purgeBefore('2030-01-02'), 2);
        assert.equal(await s.apiUsage.count(app.id, '2030-01-01'), 0);
        assert.equal(await s.apiUsage.count(app.id, '2030-01-02'), 1);
        assert.equal(await s.apps.delete(app.id), true);
        assert.equal(await s.apiUsage.count(app.id, '2030-01-03'), 0, "the app's counts go with it");
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Redis replay store (S2S_REDIS_URL, store/redis/): the replay cases above, unchanged, on a real
// Redis (S2S_TEST_REDIS_URL, default redis://127.0.0.1:6379), plus the race split across two
// connections as two server processes would make it. Keys live under a namespace of their own.
describe('store conformance (redis replay)', () => {
  const REDIS_URL = process.env.S2S_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const namespace = `test-${process.pid}-${newId(KeyPrefix.user)}`;
  const connections: Redis[] = [];
  let s: ReplayStore;
  let other: ReplayStore;

  before(async () => {
    for (let i = 0; i < 2; i++) connections.push(await connectRedis(REDIS_URL));
    s = new RedisReplayStore(connections[0]!, namespace);
    other = new RedisReplayStore(connections[1]!, namespace);
  });
  after(async () => {
    const r = connections[0]!;
    const keys = await r.keys(`s2s:{${namespace}}:*`);
    if (keys.length > 0) await r.del(...keys);
    for (const c of connections) c.disconnect();
  });

  test('consume is true the first time and false on replay', async () => {
    assert.equal(await s.consume('iss:jti-1', T + 300_000, T), true);
    assert.equal(await s.consume('iss:jti-1', T + 300_000, T), false);
    assert.equal(await s.consume('iss:jti-1', T + 900_000, T + 299_999), false);
    assert.equal(await s.consume('iss:jti-2', T + 300_000, T), true);
    assert.equal(await s.consume('ISS:JTI-1', T + 300_000, T), true);
  });

  test('50 parallel consumes of one key: exactly one true', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => s.consume('iss:race', T + 300_000, T)),
    );
    assert.equal(results.filter((r) => r).length, 1);
  });

  test('50 parallel consumes split across two connections: exactly one true', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? other : s).consume('iss:race-2', T + 300_000, T)),
    );
    assert.equal(results.filter((r) => r).length, 1);
  });

  test('an expired record is taken over, and then blocks until its new expiry', async () => {
    assert.equal(await s.consume('iss:exp', T + 1000, T), true);
    assert.equal(await s.consume('iss:exp', T + 5000, T + 999), false);
    assert.equal(await s.consume('iss:exp', T + 5000, T + 1000), true);
    assert.equal(await s.consume('iss:exp', T + 9000, T + 4999), false);
    assert.equal(await s.consume('iss:exp', T + 9000, T + 5000), true);
  });

  test('50 parallel takeovers of one expired key: exactly one true', async () => {
    assert.equal(await s.consume('iss:race-exp', T + 10, T), true);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => s.consume('iss:race-exp', T + 1_000_000, T + 10)),
    );
    assert.equal(results.filter((r) => r).length, 1);
  });

  test('purgeExpired deletes at most `limit` records expired before the cut-off', async () => {
    // A namespace of its own: the cases above left records that expire before 200 too.
    const p = new RedisReplayStore(connections[0]!, `${namespace}-purge`);
    try {
      for (let i = 0; i < 4; i++) assert.equal(await p.consume(`old-${i}`, 100 + i, 0), true);
      assert.equal(await p.consume('old-boundary', 200, 0), true);
      assert.equal(await p.purgeExpired(200, 3), 3);
      assert.equal(await p.purgeExpired(200, 3), 1);
      assert.equal(await p.purgeExpired(200, 3), 0);
      assert.equal(await p.consume('old-boundary', 500, 199), false);
      assert.equal(await p.consume('old-0', 500, 0), true);
    } finally {
      const keys = await connections[0]!.keys(`s2s:{${namespace}-purge}:*`);
      if (keys.length > 0) await connections[0]!.del(...keys);
    }
  });

  test('Redis away: consume fails as unavailable (503), never as a replay or a success', async () => {
    const c = await connectRedis(REDIS_URL);
    const gone = new RedisReplayStore(c, namespace);
    c.disconnect();
    await assert.rejects(gone.consume('iss:gone', T + 1000, T), (e: { code?: string }) => {
      assert.equal(e.code, REDIS_UNAVAILABLE);
      return true;
    });
  });
});

// AuditStore.summarize: the counts behind the console's activity chart.
for (const kind of DB_KINDS) {
  describe(`store conformance: audit summary (${kind})`, () => {
    const store = useStore(kind);
    const H = 3_600_000;
    const S = 1_893_456_000_000; // a whole hour, UTC
    const base: Omit<AuditEvent, 'at'> = {
      event: 'token',
      clientId: 'c1',
      userId: null,
      username: 'a@x',
      grantType: 'client_credentials',
      result: 'success',
      errorCode: null,
      errorDescription: null,
      sourceIp: null,
    };
    const failure = (code: string | null) => ({ result: 'failure' as const, errorCode: code });

    before(async () => {
      const events: AuditEvent[] = [
        { ...base, at: S - 1 }, // before the window
        { ...base, at: S }, // bucket 0, its first instant
        { ...base, at: S + H - 1 }, // bucket 0, its last
        { ...base, at: S + H, grantType: 'jwt-bearer', username: 'b@x' }, // bucket 1
        { ...base, at: S + H + 5, grantType: 'jwt-bearer', username: 'b@x' },
        { ...base, at: S + H + 6, ...failure('invalid_grant') },
        { ...base, at: S + 2 * H + 1, ...failure('invalid_grant'), clientId: 'c2' }, // bucket 2
        { ...base, at: S + 2 * H + 2, ...failure('invalid_client'), clientId: null, grantType: null },
        { ...base, at: S + 2 * H + 3, ...failure(null) },
        { ...base, at: S + 2 * H + 4, event: 'revoke' }, // not a grant attempt
        { ...base, at: S + 3 * H }, // the window's end: excluded
      ];
      for (const e of events) await store().audit.record(e);
    });

    const window = { since: S, until: S + 3 * H, bucketMs: H };

    test('counts per bucket, grant type, result and error code in [since, until), grant attempts only', async () => {
      assert.deepEqual(await store().audit.summarize(window), [
        { bucket: 0, grantType: 'client_credentials', result: 'success', errorCode: null, count: 2 },
        {
          bucket: 1,
          grantType: 'client_credentials',
          result: 'failure',
          errorCode: 'invalid_grant',
          count: 1,
        },
        { bucket: 1, grantType: 'jwt-bearer', result: 'success', errorCode: null, count: 2 },
        { bucket: 2, grantType: null, result: 'failure', errorCode: 'invalid_client', count: 1 },
        { bucket: 2, grantType: 'client_credentials', result: 'failure', errorCode: null, count: 1 },
        {
          bucket: 2,
          grantType: 'client_credentials',
          result: 'failure',
          errorCode: 'invalid_grant',
          count: 1,
        },
      ]);
    });

    test('the audit filters apply; other bucket widths; an empty window', async () => {
      const s = store();
      const total = async (f: Partial<Parameters<typeof s.audit.summarize>[0]>) =>
        (await s.audit.summarize({ ...window, ...f })).reduce((n, c) => n + c.count, 0);
      assert.equal(await total({ clientId: 'c2' }), 1);
      assert.equal(await total({ username: 'b@x' }), 2);
      assert.equal(await total({ grantType: 'jwt-bearer' }), 2);
      assert.equal(await total({ result: 'failure' }), 4);
      assert.equal(await total({ clientId: 'c1', result: 'failure' }), 2);
      const halves = await s.audit.summarize({ since: S, until: S + 2 * H, bucketMs: H / 2 });
      assert.deepEqual(
        halves.map((c) => [c.bucket, c.count]),
        [
          [0, 1],
          [1, 1],
          [2, 1],
          [2, 2],
        ],
      );
      assert.deepEqual(await s.audit.summarize({ since: S + 10 * H, until: S + 11 * H, bucketMs: H }), []);
    });

    test('refuses bounds that are not whole numbers', async () => {
      await assert.rejects(store().audit.summarize({ ...window, bucketMs: 0 }));
      await assert.rejects(store().audit.summarize({ ...window, since: 1.5 }));
    });
  });
}
