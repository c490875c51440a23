/**
 * `s2s db status|migrate` and `s2s serve --no-migrate`: migrations forward-only, applied at
 * start or beforehand; a server told not to migrate refuses a database that needs it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { migrations } from '../../server/src/store/migrations.ts';
import { runCli, startServe } from './cli.ts';

/** Every migration this build knows, in order (0001_initial, …, 0005_signing_key_activation, …). */
const ALL = Object.keys(migrations('sqlite')).sort();

describe('s2s db (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-db-'));
  const db = `sqlite:${join(dir, 's2s.db')}`;
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('status on a new database: everything pending, exit code 3', async () => {
    assert.ok(ALL.includes('0005_signing_key_activation'));
    const r = await runCli(['db', 'status', '--db', db]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, new RegExp(`pending migration\\(s\\) \\(${ALL.join(', ')}\\)`));
  });

  test('s2s serve --no-migrate refuses it, naming the command to run', async () => {
    const r = await runCli(['serve', '--no-migrate', '--no-demo', '--port', '0', '--db', db]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `invalid configuration: the database has ${ALL.length} pending migration\\(s\\) .*run \`s2s db migrate\``,
      ),
    );
  });

  test('migrate applies them in order, once', async () => {
    const first = await runCli(['db', 'migrate', '--db', db]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, ALL.map((n) => `applied ${n}\n`).join(''));
    const again = await runCli(['db', 'migrate'], { env: { S2S_DATABASE_URL: db } });
    assert.equal(again.stdout, 'up to date: no migration to apply\n');
    const status = await runCli(['db', 'status', '--db', db]);
    assert.equal(status.code, 0);
    assert.equal(status.stdout, `${ALL.map((n) => `applied ${n}`).join('\n')}\nup to date\n`);
  });

  test('then s2s serve --no-migrate starts on it', async () => {
    const s = await startServe(
      ['--no-migrate', '--no-demo', '--port', '0', '--host', '127.0.0.1', '--db', db],
      {
        cwd: dir,
        env: { S2S_ADMIN_TOKEN: 'db-cli-admin-token-0123456789', S2S_LOG_LEVEL: 'warn' },
      },
    );
    try {
      const ready = await fetch(`${s.url}/readyz`);
      assert.equal(ready.status, 200);
    } finally {
      await s.stop();
    }
  });
});
