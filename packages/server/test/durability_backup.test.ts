/**
 * The backup and restore procedures of docs/operations.md, run as written: an online SQLite
 * `.backup` and `pg_dump -Fc` while the server runs, then a restore that a server starts on.
 * A restore is a moment in time: a token issued before the backup works again even though it
 * was revoked after; one issued after the backup is unknown.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULTS } from '../src/config/index.ts';
import { startServer } from '../src/server.ts';
import { dropDatabase } from './durability_helpers.ts';
import {
  ADMIN_TOKEN,
  basic,
  type DbKind,
  PG_ADMIN_URL,
  startTestServer,
  type TestServer,
} from './harness.ts';

const run = promisify(execFile);
const TOKEN = '/services/oauth2/token';

async function clientOf(s: TestServer) {
  const runAs = (await s.newUser()).username;
  const { app, clientSecret } = await s.newApp({ clientCredentials: { enabled: true, runAs } });
  return basic(app.clientId, clientSecret);
}

/** Issues before and after the backup, revokes the first after it; checks both on the restored copy. */
async function backupAndRestore(
  kind: DbKind,
  backup: (url: string) => Promise<void>,
  restore: (url: string) => Promise<string>,
) {
  const s = await startTestServer(kind);
  const auth = await clientOf(s);
  const before = (await s.form(TOKEN, { grant_type: 'client_credentials' }, { authorization: auth })).body
    .access_token;
  await backup(s.databaseUrl);
  const afterwards = (await s.form(TOKEN, { grant_type: 'client_credentials' }, { authorization: auth })).body
    .access_token;
  assert.equal((await s.form('/services/oauth2/revoke', { token: before })).status, 200);
  await s.close();

  const restored = await restore(s.databaseUrl);
  const r = await startServer({
    ...DEFAULTS,
    port: 0,
    host: '127.0.0.1',
    databaseUrl: restored,
    demo: false,
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
  });
  try {
    const active = async (token: string) => {
      const res = await fetch(`${r.url}/services/oauth2/introspect`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      return ((await res.json()) as { active: boolean }).active;
    };
    assert.equal(
      await active(before),
      true,
      'issued before the backup: back, its later revocation forgotten',
    );
    assert.equal(await active(afterwards), false, 'issued after the backup: unknown');
  } finally {
    await r.close();
    if (restored !== s.databaseUrl) await dropDatabase(restored);
    await dropDatabase(s.databaseUrl);
  }
}

describe('backup and restore as docs/operations.md says', () => {
  test('SQLite: sqlite3 .backup while the server runs; restore by replacing the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-backup-'));
    const file = join(dir, 's2s-backup.db');
    try {
      await backupAndRestore(
        'sqlite',
        async (url) => {
          await run('sqlite3', [url.slice('sqlite:'.length), `.backup '${file}'`]);
        },
        async (url) => {
          const db = url.slice('sqlite:'.length);
          copyFileSync(file, db);
          rmSync(`${db}-wal`, { force: true });
          rmSync(`${db}-shm`, { force: true });
          assert.equal(existsSync(`${db}-wal`), false);
          return url;
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL: pg_dump -Fc while the server runs; createdb + pg_restore into a new database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-backup-'));
    const dump = join(dir, 's2s.dump');
    try {
      await backupAndRestore(
        'postgres',
        async (url) => {
          await run('pg_dump', ['-Fc', '-d', url, '-f', dump]);
        },
        async (url) => {
          const name = `${new URL(url).pathname.slice(1)}_restored`;
          const admin = new URL(PG_ADMIN_URL);
          await run('createdb', [
            '-h',
            admin.hostname,
            '-p',
            admin.port || '5432',
            '-U',
            admin.username || 'postgres',
            name,
          ]);
          const target = new URL(url);
          target.pathname = `/${name}`;
          await run('pg_restore', ['--no-owner', '-d', target.toString(), dump]);
          return target.toString();
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
