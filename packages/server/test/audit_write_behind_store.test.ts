/**
 * The audit store below the write-behind buffer: `recordMany` (multi-row INSERTs in chunks, all
 * or nothing) and the buffer's bound while the database cannot be written
 * (store/audit_write_behind.ts), on both stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent } from '../src/domain/types.ts';
import { WriteBehindAuditStore } from '../src/store/audit_write_behind.ts';
import type { Store } from '../src/store/interfaces.ts';
import { openStore } from '../src/store/open.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from './harness.ts';
import { onDatabase } from './sql_beside.ts';

for (const kind of DB_KINDS) {
  describe(`AuditStore.recordMany (${kind})`, () => {
    let db: TestDatabase;
    let store: Store;
    before(async () => {
      db = await freshDatabase(kind);
      store = await openStore(db.url);
    });
    after(async () => {
      await store.close();
      await db.drop();
    });

    const events = (n: number, clientId: string): AuditEvent[] =>
      Array.from({ length: n }, (_, i) => ({
        at: 1_000 + i,
        event: 'token',
        clientId,
        userId: null,
        username: `u${i}`,
        grantType: 'client_credentials',
        result: 'success',
        errorCode: null,
        errorDescription: null,
        sourceIp: '127.0.0.1',
      }));

    test('300 events (chunks of 256, 32, 8, 4) are stored in order, ids ascending', async () => {
      await store.audit.recordMany([]);
      await store.audit.recordMany(events(300, 'many'));
      const stored = (await store.audit.list({ clientId: 'many', limit: 1000 })).reverse();
      assert.equal(stored.length, 300);
      assert.deepEqual(
        stored.map((e) => e.username),
        events(300, 'many').map((e) => e.username),
      );
      assert.ok(stored.every((e, i) => i === 0 || e.id! > stored[i - 1]!.id!));
    });

    test('a full buffer drops the oldest failed attempts first, counted; the rest is written after', async () => {
      const dropped: number[] = [];
      const logged: { lost?: number; msg: string }[] = [];
      const log = {
        warn: () => {},
        error: (o: { lost?: number }, msg: string) => logged.push({ lost: o.lost, msg }),
      };
      const sink = new WriteBehindAuditStore(store.audit, {
        log,
        flushMs: 10,
        maxBuffered: 4,
        retryMinMs: 20,
        retryMaxMs: 20,
        counters: { flushed() {}, batch() {}, failure() {}, dropped: (n) => dropped.push(n) },
      });
      const e = events(6, 'bounded');
      e[1] = { ...e[1]!, result: 'failure', errorCode: 'invalid_client' };
      e[3] = { ...e[3]!, result: 'failure', errorCode: 'invalid_client' };
      await onDatabase(kind, db.url, 'ALTER TABLE audit_events RENAME TO audit_events_away');
      try {
        await sink.record(e[0]!);
        await assert.rejects(sink.flush());
        assert.equal(sink.healthy, false, 'the last flush failed');
        for (const x of e.slice(1)) await sink.record(x);
        assert.equal(sink.size, 4);
      } finally {
        await onDatabase(kind, db.url, 'ALTER TABLE audit_events_away RENAME TO audit_events');
      }
      assert.deepEqual(dropped, [1, 1]);
      await sink.close();
      // The first loss at once; the next, within 10 s, in one line once the events are written.
      assert.deepEqual(
        logged.filter((l) => l.msg.startsWith('AUDIT EVENTS LOST')).map((l) => l.lost),
        [1, 1],
      );
      assert.equal(sink.healthy, true);
      const stored = (await store.audit.list({ clientId: 'bounded' })).reverse();
      assert.deepEqual(
        stored.map((x) => x.username),
        ['u0', 'u2', 'u4', 'u5'],
      );
    });

    test('all or nothing: a refused row in the last chunk leaves no event of the batch', async () => {
      const batch = events(300, 'atomic');
      batch[299] = { ...batch[299]!, result: null as never }; // NOT NULL
      await assert.rejects(store.audit.recordMany(batch));
      assert.deepEqual(await store.audit.list({ clientId: 'atomic' }), []);
    });
  });
}
