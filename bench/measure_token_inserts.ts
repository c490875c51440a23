/**
 * What one access-token insert costs on an empty store and on one holding 10^6 live tokens
 * (issue #8: issuance on the big SQLite store ran at 65 % of the empty store's rate).
 * Not part of the bench: a small, CPU-per-operation measurement that stays meaningful on a
 * loaded machine (docs/performance.md, noise).
 *
 *   node --import tsx bench/measure_token_inserts.ts sqlite|postgres [rows] [inserts] [wave]
 *
 * Inserts `inserts` tokens (after as many again to warm up) through `SqlAccessTokenStore` on the
 * dialect `store/open.ts` builds (group commit included), `wave` at a time in one event-loop turn
 * (as concurrent requests do), into a copy of a store holding `rows` tokens (bench/lib/
 * bulk_tokens.ts; templates kept in $MEASURE_DIR, default /tmp/s2s-measure). Prints, per insert:
 * wall µs; the event loop's µs (wall less the main thread's wait for a CPU: on a CPU or blocked
 * in I/O, what limits a server's throughput); the main thread's and the whole process's CPU µs;
 * bytes written by write(2) (the WAL and checkpoints) and, on PostgreSQL, the CPU µs of the
 * database's backends.
 *
 * MEASURE_PRAGMAS="cache_size = -65536;wal_autocheckpoint = 10000" adds SQLite pragmas to
 * open.ts's SQLITE_PRAGMAS; MEASURE_PG_SET="synchronous_commit = off" runs SETs on each
 * PostgreSQL connection (via the connection string's options). MEASURE_IDS=v7 gives the tokens
 * time-ordered ids (UUIDv7, RFC 9562 §5.7) instead of random ones, to see what the random `id`
 * key costs. MEASURE_CHECKPOINT_THREAD=0 keeps SQLite's checkpoints on the main thread
 * (store/sqlite_checkpointer.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import pg from 'pg';
import { sha256Hex } from '../packages/server/src/domain/hashing.ts';
import { KeyPrefix, newClientId, newId } from '../packages/server/src/domain/ids.ts';
import type { AccessTokenRecord } from '../packages/server/src/domain/types.ts';
import { openStore, pgDialect, SQLITE_PRAGMAS, sqliteDialect } from '../packages/server/src/store/open.ts';
import type { Database } from '../packages/server/src/store/schema.ts';
import { SqlAccessTokenStore } from '../packages/server/src/store/sql/tokens.ts';
import { bulkTokens } from './lib/bulk_tokens.ts';

const [kind = 'sqlite', rowsArg = '1000000', insertsArg = '20000', waveArg = '50'] = process.argv.slice(2);
const ROWS = Number(rowsArg);
const INSERTS = Number(insertsArg);
const WAVE = Number(waveArg);
const DIR = process.env.MEASURE_DIR ?? '/tmp/s2s-measure';
const PG = process.env.S2S_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const extraPragmas = (process.env.MEASURE_PRAGMAS ?? '').split(';').filter((p) => p.trim());
const pgSet = (process.env.MEASURE_PG_SET ?? '').split(';').filter((p) => p.trim());
const timeOrderedIds = process.env.MEASURE_IDS === 'v7';
const checkpointThread = process.env.MEASURE_CHECKPOINT_THREAD !== '0';

/** RFC 9562 §5.7: 48 bits of Unix milliseconds, then version 7, variant and random bits. */
function uuidV7(): string {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

interface Owner {
  appId: string;
  userId: string;
}

/** A store with one app and one user (and `rows` tokens): made once, copied for each run. */
async function makeTemplate(url: string): Promise<Owner> {
  const s = await openStore(url);
  const T = Date.now();
  const appId = newId(KeyPrefix.connectedApp);
  const userId = newId(KeyPrefix.user);
  const clientId = newClientId();
  await s.apps.create(
    {
      id: appId,
      clientId,
      name: 'measure',
      scopes: ['api'],
      callbackUrls: [],
      policies: {
        permittedUsers: 'all_users',
        clientCredentials: { enabled: false, runAs: null },
        accessToken: { format: 'opaque', ttlSeconds: 3600 },
        refreshToken: { policy: 'until_revoked', seconds: null, rotate: true },
        assertion: { maxLifetimeSeconds: 300 },
      },
      createdAt: T,
      updatedAt: T,
    },
    [],
    [],
  );
  await s.users.create({
    id: userId,
    username: 'measure@example.com',
    passwordHash: null,
    email: null,
    firstName: null,
    lastName: null,
    profile: 'Standard User',
    active: true,
    createdAt: T,
    updatedAt: T,
  });
  await s.close();
  if (ROWS > 0) await bulkTokens(url, ROWS, { clientId });
  return { appId, userId };
}

/** Bytes this process passed to write(2) so far (/proc/self/io `wchar`). */
function written(): number {
  return Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
}

/**
 * The main thread's time on a CPU and waiting for one, in µs (/proc/<pid>/task/<pid>/schedstat).
 * Wall time minus the wait for a CPU is what the event loop spent running or blocked in I/O,
 * whatever else the machine is doing.
 */
function mainThread(): { onCpu: number; runqueue: number } {
  const [on, wait] = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ');
  return { onCpu: Number(on) / 1000, runqueue: Number(wait) / 1000 };
}

/** CPU µs (user + system) of the given processes (PostgreSQL backends), from /proc/<pid>/stat. */
function cpuOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return ticks * 10_000; // USER_HZ = 100
}

async function prepare(): Promise<{
  db: Kysely<Database>;
  owner: Owner;
  backends: () => Promise<number[]>;
  done: () => Promise<void>;
}> {
  mkdirSync(DIR, { recursive: true });
  const ownerFile = join(DIR, `${kind}-${ROWS}.json`);
  if (kind === 'sqlite') {
    const template = join(DIR, `tokens-${ROWS}.db`);
    if (!existsSync(ownerFile)) {
      rmSync(template, { force: true });
      const owner = await makeTemplate(`sqlite:${template}`);
      (await import('node:fs')).writeFileSync(ownerFile, JSON.stringify(owner));
    }
    const work = join(DIR, `work-${process.pid}.db`);
    copyFileSync(template, work);
    const db = new Kysely<Database>({
      dialect: sqliteDialect(work, [...SQLITE_PRAGMAS, ...extraPragmas], { checkpointThread }),
    });
    return {
      db,
      owner: JSON.parse(readFileSync(ownerFile, 'utf8')),
      backends: async () => [],
      done: async () => {
        await db.destroy();
        for (const f of [work, `${work}-wal`, `${work}-shm`]) rmSync(f, { force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  const template = `s2s_measure_${ROWS}`;
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [template])).rowCount;
  if (!exists || !existsSync(ownerFile)) {
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    const owner = await makeTemplate(withDb(PG, template));
    (await import('node:fs')).writeFileSync(ownerFile, JSON.stringify(owner));
  }
  const name = `s2s_measure_work_${process.pid}`;
  await admin.query(`create database ${name} template ${template}`);
  const url = withDb(PG, name);
  const options = pgSet.map((s) => `-c ${s.replace(/\s*=\s*/, '=').trim()}`).join(' ');
  const db = new Kysely<Database>({
    dialect: pgDialect(options ? `${url}?options=${encodeURIComponent(options)}` : url, 10),
  });
  return {
    db,
    owner: JSON.parse(readFileSync(ownerFile, 'utf8')),
    backends: async () =>
      (await admin.query('select pid from pg_stat_activity where datname = $1', [name])).rows.map(
        (r) => r.pid,
      ),
    done: async () => {
      await db.destroy();
      await admin.query(`drop database ${name}`);
      await admin.end();
    },
  };
}

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function main(): Promise<void> {
  const { db, owner, backends, done } = await prepare();
  const store = new SqlAccessTokenStore(db);
  const token = (): AccessTokenRecord => {
    const now = Date.now();
    return {
      id: timeOrderedIds ? uuidV7() : randomUUID(),
      tokenHash: sha256Hex(`00D000000000001!${randomBytes(32).toString('base64url')}`),
      format: 'opaque',
      appId: owner.appId,
      userId: owner.userId,
      scopes: ['api'],
      grantType: 'client_credentials',
      ext: null,
      issuedAt: now,
      expiresAt: now + 3_600_000,
      revokedAt: null,
    };
  };
  const batch = async (n: number) => {
    for (let i = 0; i < n; i += WAVE)
      await Promise.all(Array.from({ length: Math.min(WAVE, n - i) }, () => store.insert(token())));
  };
  try {
    await batch(INSERTS); // warm-up: the page cache, kept statements, pool connections
    const pids = await backends();
    const c0 = process.cpuUsage();
    const w0 = written();
    const b0 = cpuOf(pids);
    const m0 = mainThread();
    const r0 = process.resourceUsage();
    const t0 = performance.now();
    await batch(INSERTS);
    const wall = (performance.now() - t0) * 1000;
    const m1 = mainThread();
    const r1 = process.resourceUsage();
    const c = process.cpuUsage(c0);
    const per = (x: number) => (x / INSERTS).toFixed(1);
    console.log(
      JSON.stringify({
        kind,
        rows: ROWS,
        inserts: INSERTS,
        wave: WAVE,
        extra: kind === 'sqlite' ? extraPragmas : pgSet,
        ids: timeOrderedIds ? 'v7' : 'random',
        ...(kind === 'sqlite' ? { checkpointThread } : {}),
        wallUs: per(wall),
        // The event loop's time per insert, waits for a CPU taken out: on a CPU or blocked in I/O.
        loopUs: per(wall - (m1.runqueue - m0.runqueue)),
        mainCpuUs: per(m1.onCpu - m0.onCpu),
        cpuUs: per(c.user + c.system),
        sysUs: per(c.system),
        writeBytes: per(written() - w0),
        // Page faults (mmap reads) and waits in the kernel (I/O, locks), per insert.
        minorFaults: per(r1.minorPageFault - r0.minorPageFault),
        majorFaults: per(r1.majorPageFault - r0.majorPageFault),
        blockingWaits: per(r1.voluntaryContextSwitches - r0.voluntaryContextSwitches),
        ...(kind === 'postgres' ? { dbCpuUs: per(cpuOf(pids) - b0) } : {}),
      }),
    );
  } finally {
    await done();
  }
}

await main();
