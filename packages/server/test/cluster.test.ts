/**
 * `s2s serve --workers 2` on one SQLite file (cluster.ts): both workers serve the port and
 * share the file safely (WAL, busy_timeout, BEGIN IMMEDIATE) — parallel writes all succeed and
 * are each recorded once, single use holds across workers (replay, refresh race, code race),
 * an admin change reaches the other worker by message (not the TTL), a dead worker is
 * replaced, SIGTERM stops everything; an in-memory database is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  clientCredentials,
  codeRace,
  type Fixture,
  fixture,
  refreshRace,
  replaySplit,
  secretDeletionSeen,
  spread,
} from './scaleout_cases.ts';
import { childPids, cpuTicks, eventually, type Serve, serve } from './scaleout_helpers.ts';

const ENV = {
  // Long enough that only the message between workers can explain a change seen at once.
  S2S_CACHE_TTL_SECONDS: '300',
  S2S_TOKEN_RATE_LIMIT_CLIENT: '0',
  S2S_TOKEN_RATE_LIMIT_ADDRESS: '0',
  // The old secret is sent on purpose below; its 401s must not turn into 429s.
  S2S_AUTH_FAILURE_LIMIT: '0',
};

describe('s2s serve --workers 2 on one SQLite file', () => {
  let dir: string;
  let db: string;
  let s: Serve;
  let f: Fixture;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-cluster-'));
    db = `sqlite:${join(dir, 's2s.db')}`;
    s = await serve(['--workers', '2', '--db', db], { env: ENV, ready: /2 workers ready/ });
    f = await fixture(s);
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('two workers; 200 parallel token requests all succeed, each recorded once, on both workers', async () => {
    const workers = childPids(s.child.pid!);
    assert.equal(workers.length, 2, s.output());
    const before = workers.map(cpuTicks);
    const results = await spread([s], 200, () => clientCredentials(s, f));
    assert.deepEqual(
      results.filter((r) => r.status !== 200).map((r) => r.text),
      [],
      'no SQLITE_BUSY (503) or other failure',
    );
    assert.equal(new Set(results.map((r) => r.body.access_token)).size, 200);
    for (const [i, pid] of workers.entries()) {
      assert.ok(cpuTicks(pid) > before[i]!, `worker ${pid} served part of the load`);
    }
    // The worker answering this read flushes its own audit buffer first; the other one writes
    // its events within one flush window (S2S_AUDIT_FLUSH_MS, 50 ms), so the read is repeated.
    const successes = async () => {
      const audit = await s.admin(
        'GET',
        `/admin/v1/audit?clientId=${f.cc.clientId}&result=success&limit=1000`,
      );
      assert.equal(audit.status, 200, audit.text);
      return audit.body.length as number;
    };
    await eventually(async () => (await successes()) >= 200, 5_000);
    assert.equal(await successes(), 200, 'one audit event per token');
  });

  test('one assertion sent 20 times across the workers: one token', async () => {
    await replaySplit([s], f, s.base);
  });

  test('one refresh token redeemed 20 times at once across the workers: one rotation', async () => {
    await refreshRace([s], f, db);
  });

  test('one authorization code exchanged 20 times at once: at most one token, revoked', async () => {
    await codeRace([s], f, db);
  });

  test('a secret deleted through one worker is refused by both at once (message, not the 300 s TTL)', async () => {
    await secretDeletionSeen([s], f, 2000);
  });

  test('a worker that dies is replaced, and the port keeps answering', async () => {
    const [victim] = childPids(s.child.pid!);
    process.kill(victim!, 'SIGKILL');
    assert.ok(await eventually(async () => /starting another/.test(s.output()), 10_000), s.output());
    assert.ok(
      await eventually(async () => {
        const pids = childPids(s.child.pid!);
        return pids.length === 2 && !pids.includes(victim!);
      }, 30_000),
      'two workers again',
    );
    for (const r of await spread([s], 20, () => clientCredentials(s, f))) assert.equal(r.status, 200, r.text);
  });

  test('SIGTERM: the workers stop and the primary exits 0', async () => {
    const workers = childPids(s.child.pid!);
    assert.equal(await s.stop(), 0, s.output());
    assert.deepEqual(
      workers.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      }),
      [],
    );
  });
});

test('--workers 2 with an in-memory SQLite database is refused with the reason', async () => {
  await assert.rejects(
    serve(['--workers', '2', '--db', 'sqlite::memory:']),
    (e: Error) =>
      /exited with 1/.test(e.message) &&
      /in-memory SQLite database is private to each process/.test(e.message),
  );
});
