/**
 * The revocation store of stateless JWTs (store/sql/revocations.ts), on both stores: `seq` only
 * grows, `listSince` returns what is new and still live, and a reader catching up by
 * `seq > last seen` misses nothing while several connections write at once — which on
 * PostgreSQL needs the writes to commit in `seq` order (the advisory lock).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../src/store/interfaces.ts';
import { openStore } from '../src/store/open.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from './harness.ts';

const NOW = Date.now();

for (const kind of DB_KINDS) {
  describe(`token revocations store (${kind})`, () => {
    let db: TestDatabase;
    let stores: Store[];

    before(async () => {
      db = await freshDatabase(kind);
      stores = [];
      // Three processes' worth of connections on one database: two writers and a reader.
      for (let i = 0; i < 3; i++) stores.push(await openStore(db.url));
    });
    after(async () => {
      for (const s of stores) await s.close();
      await db.drop();
    });

    test('seq grows; listSince returns the rows after it that are still live, in seq order', async () => {
      const [s] = stores as [Store];
      const a = await s.revocations.insert({
        kind: 'jti',
        jti: 'st-a',
        expiresAt: NOW + 1000,
        createdAt: NOW,
      });
      const b = await s.revocations.insert({
        kind: 'app_user',
        appId: 'app1',
        userId: 'user1',
        notBefore: NOW,
        expiresAt: NOW + 5000,
        createdAt: NOW,
      });
      const gone = await s.revocations.insert({
        kind: 'jti',
        jti: 'st-gone',
        expiresAt: NOW - 1,
        createdAt: NOW,
      });
      assert.ok(a < b && b < gone, `${a} < ${b} < ${gone}`);
      assert.deepEqual(await s.revocations.listSince(a - 1, NOW), [
        { seq: a, kind: 'jti', jti: 'st-a', expiresAt: NOW + 1000, createdAt: NOW },
        {
          seq: b,
          kind: 'app_user',
          appId: 'app1',
          userId: 'user1',
          notBefore: NOW,
          expiresAt: NOW + 5000,
          createdAt: NOW,
        },
      ]);
      assert.deepEqual(
        (await s.revocations.listSince(a - 1, NOW + 2000)).map((r) => r.seq),
        [b],
        'a has expired by then',
      );
      assert.deepEqual(
        await s.revocations.listSince(b, NOW),
        [],
        'only `gone` is after b, and it has expired',
      );
      assert.equal(await s.revocations.purgeExpired(NOW + 10_000, 100), 3);
      // Never reused after a purge (AUTOINCREMENT / sequence): a reader that saw `gone` sees the next.
      const next = await s.revocations.insert({
        kind: 'jti',
        jti: 'st-next',
        expiresAt: NOW + 1000,
        createdAt: NOW,
      });
      assert.ok(next > gone, `${next} > ${gone}`);
      assert.deepEqual(
        (await s.revocations.listSince(gone, NOW)).map((r) => r.kind === 'jti' && r.jti),
        ['st-next'],
      );
    });

    test('two writers at once: a reader catching up by seq misses none and sees none twice', async () => {
      const [w1, w2, reader] = stores as [Store, Store, Store];
      let last = await (async () => {
        const rows = await reader.revocations.listSince(0, NOW);
        return rows.at(-1)?.seq ?? 0;
      })();
      const seen: string[] = [];
      let writing = true;
      const read = async () => {
        for (const r of await reader.revocations.listSince(last, NOW)) {
          seen.push(r.kind === 'jti' ? r.jti : '');
          last = r.seq;
        }
      };
      const poller = (async () => {
        while (writing) {
          await read();
          await new Promise((r) => setImmediate(r));
        }
      })();
      const write = (s: Store, prefix: string) =>
        Promise.all(
          Array.from({ length: 150 }, (_, i) =>
            s.revocations.insert({
              kind: 'jti',
              jti: `st-${prefix}-${i}`,
              expiresAt: NOW + 60_000,
              createdAt: NOW,
            }),
          ),
        );
      await Promise.all([write(w1, 'x'), write(w2, 'y')]);
      writing = false;
      await poller;
      await read();
      assert.equal(seen.length, 300, 'each row seen exactly once');
      assert.equal(new Set(seen).size, 300);
    });
  });
}
