/**
 * SQLite WAL checkpoints in a thread of their own (store/sqlite_checkpointer.ts), on a real file:
 * once the store is busy, committed rows reach the database file without the main connection
 * checkpointing (its auto-checkpoint is then 4 000 pages away), and closing the store ends the
 * thread and its connection, so the last close folds the WAL back and removes it as before.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import type { AccessTokenRecord } from '../src/domain/types.ts';
import type { Store } from '../src/store/interfaces.ts';
import { openStore, parseDatabaseUrl } from '../src/store/open.ts';
import { freshDatabase, type TestDatabase } from './harness.ts';
import { opaqueTokenRecord, seedAppAndUser } from './store_seed.ts';

const T = Date.now();

describe('SQLite checkpoints off the event loop', () => {
  let db: TestDatabase;
  let file: string;
  let s: Store;
  let appId: string;
  let userId: string;

  const token = (over: Partial<AccessTokenRecord> = {}): AccessTokenRecord =>
    opaqueTokenRecord({ appId, userId }, T, over);

  /** The ids among `ids` that the database file holds by itself, its WAL left out. */
  const inMainFile = (ids: string[]): string[] => {
    const copy = join(file, '..', `copy-${Date.now()}.db`);
    copyFileSync(file, copy);
    const c = new SQLite(copy, { readonly: true });
    try {
      const has = c.prepare('select 1 from access_tokens where id = ?');
      return ids.filter((id) => has.get(id) !== undefined);
    } finally {
      c.close();
    }
  };

  before(async () => {
    db = await freshDatabase('sqlite');
    file = parseDatabaseUrl(db.url).target;
    s = await openStore(db.url);
    ({ appId, userId } = await seedAppAndUser(s, 'checkpoints', T));
  });
  after(async () => {
    await db.drop();
  });

  test('a busy store: committed rows reach the database file while the event loop only waits', async () => {
    // 600 commits, one at a time: past the 500 after which the thread starts.
    for (let i = 0; i < 600; i++) await s.accessTokens.insert(token());
    // ~50 more pages of WAL: far below the main connection's 4 000-page backstop.
    const recent = Array.from({ length: 20 }, () => token());
    for (const t of recent) await s.accessTokens.insert(t);
    assert.ok(existsSync(`${file}-wal`), 'WAL mode, with a WAL');
    // The thread checkpoints every 50 ms; allow it a few turns on a loaded machine.
    let copied: string[] = [];
    for (let i = 0; i < 100 && copied.length < recent.length; i++) {
      await sleep(50);
      copied = inMainFile(recent.map((t) => t.id));
    }
    assert.deepEqual(
      copied,
      recent.map((t) => t.id),
      'every committed row is in the database file',
    );
    // Writes go on while the thread checkpoints, and are read back.
    const more = Array.from({ length: 50 }, () => token());
    await Promise.all(more.map((t) => s.accessTokens.insert(t)));
    for (const t of more) assert.equal((await s.accessTokens.findById(t.id))?.tokenHash, t.tokenHash);
  });

  test('close ends the thread and its connection: the WAL is folded back and removed', async () => {
    const last = token();
    await s.accessTokens.insert(last);
    await s.close();
    assert.equal(existsSync(`${file}-wal`), false, 'no connection left open on the file');
    assert.deepEqual(inMainFile([last.id]), [last.id]);
  });
});
