/**
 * Group commit on both stores (store/sqlite_group_commit.ts, store/pg_group_commit.ts): writes
 * made in the same event-loop turn share one COMMIT (PostgreSQL: identical INSERTs as one
 * multi-row INSERT), yet each behaves as if alone — a failing statement fails only its caller,
 * a caller settles only when its row is committed (another connection sees it), and Kysely
 * transactions running meanwhile neither see nor swallow the group's writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { KeyPrefix, newId } from '../src/domain/ids.ts';
import type { AccessTokenRecord } from '../src/domain/types.ts';
import type { Store } from '../src/store/interfaces.ts';
import { openStore, parseDatabaseUrl } from '../src/store/open.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from './harness.ts';
import { opaqueTokenRecord, seedAppAndUser } from './store_seed.ts';

const T = Date.now();

/** Whether a row is there, asked on a connection of its own. */
async function seenElsewhere(url: string, id: string): Promise<boolean> {
  const { dialect, target } = parseDatabaseUrl(url);
  if (dialect === 'sqlite') {
    const db = new SQLite(target, { readonly: true });
    try {
      return db.prepare('select 1 from access_tokens where id = ?').get(id) !== undefined;
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  try {
    return (await c.query('select 1 from access_tokens where id = $1', [id])).rowCount === 1;
  } finally {
    await c.end();
  }
}

for (const kind of DB_KINDS)
  describe(`group commit (${kind})`, () => {
    let db: TestDatabase;
    let s: Store;
    let appId: string;
    let userId: string;

    const token = (over: Partial<AccessTokenRecord> = {}): AccessTokenRecord =>
      opaqueTokenRecord({ appId, userId }, T, over);

    before(async () => {
      db = await freshDatabase(kind);
      s = await openStore(db.url);
      ({ appId, userId } = await seedAppAndUser(s, 'group', T));
    });
    after(async () => {
      await s.close();
      await db.drop();
    });

    test('50 inserts in one turn, one a duplicate: only the duplicate fails, the 49 others are stored', async () => {
      const first = token();
      await s.accessTokens.insert(first);
      const batch = Array.from({ length: 50 }, (_, i) =>
        i === 17 ? token({ tokenHash: first.tokenHash }) : token(),
      );
      const settled = await Promise.allSettled(batch.map((t) => s.accessTokens.insert(t)));
      assert.deepEqual(
        settled.map((r, i) => (r.status === 'rejected' ? i : -1)).filter((i) => i >= 0),
        [17],
      );
      for (const [i, t] of batch.entries()) {
        assert.equal((await s.accessTokens.findById(t.id)) !== undefined, i !== 17);
      }
    });

    test('a write has been committed when its caller resumes: another connection sees it', async () => {
      const batch = Array.from({ length: 20 }, () => token());
      await Promise.all(
        batch.map(async (t) => {
          await s.accessTokens.insert(t);
          assert.ok(await seenElsewhere(db.url, t.id), 'visible to another connection');
        }),
      );
    });

    test('transactions and grouped writes interleave without losing or leaking anything', async () => {
      const family = (id: string, hash: string) =>
        s.refreshTokens.createFamily(
          {
            id,
            appId,
            userId,
            approvalId: null,
            scopes: ['api'],
            createdAt: T,
            expiresAt: null,
            revokedAt: null,
          },
          {
            hash,
            familyId: id,
            parentHash: null,
            issuedAt: T,
            lastUsedAt: null,
            retiredAt: null,
            successorHash: null,
            graceSealed: null,
            graceUntil: null,
          },
        );
      const taken = newId(KeyPrefix.user);
      await family(taken, `rt-${taken}`);
      const families = Array.from({ length: 10 }, () => newId(KeyPrefix.user));
      const work: Promise<unknown>[] = [];
      for (const [i, id] of families.entries()) {
        work.push(family(id, `rt-${id}`));
        for (let j = 0; j < 5; j++) work.push(s.accessTokens.insert(token({ id: `tx-${i}-${j}` })));
        // A transaction that fails (the family id is taken): nothing of it stays, and the grouped
        // writes made meanwhile do not go down with it.
        work.push(
          family(taken, `dup-${i}`).then(
            () => assert.fail('a second family with the same id'),
            () => undefined,
          ),
        );
      }
      await Promise.all(work);
      for (const [i, id] of families.entries()) {
        assert.ok(await s.refreshTokens.findFamily(id));
        for (let j = 0; j < 5; j++) assert.ok(await s.accessTokens.findById(`tx-${i}-${j}`));
        assert.equal(await s.refreshTokens.findByHash(`dup-${i}`), undefined);
      }
    });
  });
