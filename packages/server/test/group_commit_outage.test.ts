/**
 * PostgreSQL group commit when the database goes away in the middle of a group
 * (store/pg_group_commit.ts): the group's connection is terminated while its INSERT waits, and
 * the database refuses new connections. Every caller must get an error that
 * http/unavailable.ts answers as 503 temporarily_unavailable, none may be told its row is stored,
 * and no row of the group may be left behind; once the database is back the same store writes again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { AccessTokenRecord } from '../src/domain/types.ts';
import { isStoreUnavailable } from '../src/http/unavailable.ts';
import type { Store } from '../src/store/interfaces.ts';
import { openStore } from '../src/store/open.ts';
import { freshDatabase, PG_ADMIN_URL, type TestDatabase } from './harness.ts';
import { opaqueTokenRecord, seedAppAndUser } from './store_seed.ts';

const T = Date.now();

describe('group commit (postgres): the connection lost during a group', () => {
  let db: TestDatabase;
  let name: string;
  let s: Store;
  let appId: string;
  let userId: string;

  const token = (over: Partial<AccessTokenRecord> = {}): AccessTokenRecord =>
    opaqueTokenRecord({ appId, userId }, T, over);

  const admin = async <R>(url: string, f: (c: pg.Client) => Promise<R>): Promise<R> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  };

  before(async () => {
    db = await freshDatabase('postgres');
    name = new URL(db.url).pathname.slice(1);
    s = await openStore(db.url);
    ({ appId, userId } = await seedAppAndUser(s, 'outage', T));
    // Several pooled connections, idle: the re-runs must not find a live one to fall back on.
    await Promise.all(Array.from({ length: 5 }, () => s.ping()));
  });
  after(async () => {
    await admin(PG_ADMIN_URL, (c) => c.query(`alter database ${name} allow_connections true`));
    await s.close();
    await db.drop();
  });

  test('every caller gets a store-unavailable error, nothing is stored, and writing resumes after', async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    locker.on('error', () => {});
    // The group's INSERT waits on this lock, so the group is in flight when its connection dies.
    const lockerPid = (await locker.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    await locker.query('begin');
    await locker.query('lock table access_tokens in exclusive mode');
    const batch = Array.from({ length: 20 }, () => token());
    const settled = Promise.allSettled(batch.map((t) => s.accessTokens.insert(t)));
    await admin(PG_ADMIN_URL, async (c) => {
      const waiting = async () =>
        (
          await c.query(
            `select 1 from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'
               and query like 'insert into "access_tokens"%'`,
            [name],
          )
        ).rowCount;
      for (let i = 0; i < 200 && !(await waiting()); i++) await sleep(25);
      assert.ok(await waiting(), 'the group is waiting inside its transaction');
      await c.query(`alter database ${name} allow_connections false`);
      await c.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> $2',
        [name, lockerPid],
      );
    });
    const results = await settled;
    await locker.query('commit');
    await locker.end();
    for (const r of results) {
      assert.equal(r.status, 'rejected', 'no caller is told its row is stored');
      assert.ok(
        isStoreUnavailable((r as PromiseRejectedResult).reason),
        String((r as PromiseRejectedResult).reason),
      );
    }

    await admin(PG_ADMIN_URL, (c) => c.query(`alter database ${name} allow_connections true`));
    const stored = await admin(
      db.url,
      async (c) =>
        (
          await c.query('select count(*)::int as n from access_tokens where id = any($1)', [
            batch.map((t) => t.id),
          ])
        ).rows[0].n,
    );
    assert.equal(stored, 0, 'nothing of the rolled-back group is left');
    // The same store reconnects: a new group commits.
    const again = Array.from({ length: 10 }, () => token());
    await Promise.all(again.map((t) => s.accessTokens.insert(t)));
    for (const t of again) assert.ok(await s.accessTokens.findById(t.id));
  });
});
