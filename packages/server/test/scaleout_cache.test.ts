/**
 * The read cache (store/cache.ts) and its PostgreSQL invalidation bus (store/cache_bus.ts):
 * entries live at most the TTL, only hits are kept, a clear wins over a load in flight, cached
 * values cannot be mutated, the size is bounded; writes through the cached store clear it and
 * announce it; NOTIFY reaches another listener, and a listener whose connection is killed
 * reconnects and clears (it may have missed something).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ReadCache, withReadCache } from '../src/store/cache.ts';
import { CACHE_LISTENER_NAME, pgCacheBus } from '../src/store/cache_bus.ts';
import { freshDatabase, type TestDatabase } from './harness.ts';
import { eventually } from './scaleout_helpers.ts';

describe('ReadCache', () => {
  test('serves a hit until the TTL passes, then loads again', async () => {
    let clock = 0;
    const c = new ReadCache({ ttlMs: 1000, clock: () => clock });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    assert.deepEqual(await c.get('k', load, () => true), { n: 1 });
    clock = 999;
    assert.deepEqual(await c.get('k', load, () => true), { n: 1 });
    clock = 1000;
    assert.deepEqual(await c.get('k', load, () => true), { n: 2 });
  });

  test('keeps only what `keep` accepts (an unknown client is asked again)', async () => {
    const c = new ReadCache({ ttlMs: 60_000 });
    let loads = 0;
    const load = async () => {
      loads++;
      return undefined;
    };
    await c.get('missing', load, (v) => v !== undefined);
    await c.get('missing', load, (v) => v !== undefined);
    assert.equal(loads, 2);
  });

  test('a clear during a load keeps that (older) result out', async () => {
    const c = new ReadCache({ ttlMs: 60_000 });
    let release!: () => void;
    const slow = c.get(
      'k',
      () => new Promise<string>((r) => (release = () => r('old'))),
      () => true,
    );
    c.clear();
    release();
    assert.equal(await slow, 'old');
    assert.equal(
      await c.get(
        'k',
        async () => 'new',
        () => true,
      ),
      'new',
    );
  });

  test('cached values are frozen, deeply', async () => {
    const c = new ReadCache({ ttlMs: 60_000 });
    const v = await c.get(
      'k',
      async () => ({ policies: { scopes: ['api'] } }),
      () => true,
    );
    assert.throws(() => {
      v.policies.scopes.push('x');
    }, TypeError);
  });

  test('at most maxEntries, the oldest dropped first; TTL 0 is off', async () => {
    const c = new ReadCache({ ttlMs: 60_000, maxEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd'])
      await c.get(
        k,
        async () => k,
        () => true,
      );
    assert.equal(c.size, 3);
    let loads = 0;
    await c.get(
      'a',
      async () => `a${++loads}`,
      () => true,
    );
    assert.equal(loads, 1, 'a was dropped');
    const off = new ReadCache({ ttlMs: 0 });
    assert.equal(off.enabled, false);
  });

  test('writes through the cached store clear it and are announced', async () => {
    const c = new ReadCache({ ttlMs: 60_000 });
    let announced = 0;
    let reads = 0;
    const app = { id: 'a1', clientId: 'c1' };
    const fake = {
      apps: {
        findByClientId: async () => {
          reads++;
          return app;
        },
        update: async () => {},
      },
      users: {},
      preauthorizations: {},
      approvals: {},
    } as unknown as Parameters<typeof withReadCache>[0];
    const s = withReadCache(fake, c, () => announced++);
    await s.apps.findByClientId('c1');
    await s.apps.findByClientId('c1');
    assert.equal(reads, 1);
    await s.apps.update(app as never);
    assert.equal(announced, 1);
    await s.apps.findByClientId('c1');
    assert.equal(reads, 2, 'read again after the write');
  });
});

describe('PostgreSQL invalidation bus', () => {
  let db: TestDatabase;
  before(async () => {
    db = await freshDatabase('postgres');
  });
  after(() => db.drop());

  test('a NOTIFY from one process clears the other; a killed listener reconnects and clears', async () => {
    let aChanges = 0;
    let bChanges = 0;
    const a = pgCacheBus(db.url, () => aChanges++);
    const b = pgCacheBus(db.url, () => bChanges++);
    try {
      // Each clears once when its listener is up.
      assert.ok(await eventually(async () => aChanges === 1 && bChanges === 1, 10_000));
      b.publish();
      assert.ok(await eventually(async () => aChanges === 2, 5000), 'A heard B');
      assert.equal(bChanges, 1, 'B ignores its own notice');
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        const r = await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1',
          [CACHE_LISTENER_NAME],
        );
        assert.equal(r.rowCount, 2, 'both listeners killed');
      } finally {
        await admin.end();
      }
      assert.ok(
        await eventually(async () => aChanges === 3 && bChanges === 2, 10_000),
        'both reconnected and cleared',
      );
      a.publish();
      assert.ok(await eventually(async () => bChanges === 3, 5000), 'B hears A after reconnecting');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
