import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../server/test/harness.ts';
import { type CliResult, runCli, S2S_BIN } from './cli.ts';

describe('s2s admin user … (against a real server)', () => {
  let s: TestServer;
  let env: NodeJS.ProcessEnv;
  const admin = (...args: string[]) => runCli(['admin', ...args], { env });

  before(async () => {
    s = await startTestServer('sqlite');
    env = { S2S_URL: s.url, S2S_ADMIN_TOKEN: s.adminToken };
  });
  after(() => s.stop());

  test('user create prints the user; --json prints the API view', async () => {
    const r = await admin(
      'user',
      'create',
      '--username',
      'ops@example.com',
      '--profile',
      'Integration',
      '--email',
      'ops@example.com',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^id:\s+005[A-Za-z0-9]{15}$/m);
    assert.match(r.stdout, /^username:\s+ops@example\.com$/m);
    assert.match(r.stdout, /^profile:\s+Integration$/m);
    const j = await admin(
      '--json',
      'user',
      'create',
      '--username',
      'dev@example.com',
      '--inactive',
      '--first-name',
      'Dev',
    );
    assert.equal(j.code, 0, j.stderr);
    const body = JSON.parse(j.stdout);
    assert.equal(body.username, 'dev@example.com');
    assert.equal(body.active, false);
    assert.equal(body.firstName, 'Dev');
  });

  test('--password-stdin reads the password from standard input', async () => {
    const r = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [S2S_BIN, 'admin', '--json', 'user', 'create', '--username', 'pw@example.com', '--password-stdin'],
        { env: { ...process.env, ...env } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end('a long enough password\n');
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).hasPassword, true);
  });

  test('user list (and the alias users) prints a table; --json an array', async () => {
    const [table, list] = await Promise.all([admin('users', 'list'), admin('--json', 'user', 'list')]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+USERNAME\s+PROFILE\s+ACTIVE\s+EMAIL$/m);
    assert.match(table.stdout, /ops@example\.com\s+Integration\s+yes\s+ops@example\.com/);
    assert.match(table.stdout, /dev@example\.com\s+Standard User\s+no/);
    assert.deepEqual(
      JSON.parse(list.stdout)
        .map((u: { username: string }) => u.username)
        .sort(),
      ['dev@example.com', 'ops@example.com', 'pw@example.com'],
    );
  });

  test('user get by username; user update deactivates and renames', async () => {
    const got = await admin('user', 'get', 'ops@example.com');
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /^active:\s+yes$/m);
    const upd = await admin(
      '--json',
      'user',
      'update',
      'ops@example.com',
      '--inactive',
      '--username',
      'ops2@example.com',
    );
    assert.equal(upd.code, 0, upd.stderr);
    const body = JSON.parse(upd.stdout);
    assert.equal(body.active, false);
    assert.equal(body.username, 'ops2@example.com');
    const back = await admin('--json', 'user', 'update', body.id, '--active');
    assert.equal(JSON.parse(back.stdout).active, true);
  });

  test('user update with nothing to change is a local error (exit 1)', async () => {
    const r = await admin('user', 'update', 'ops2@example.com');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: nothing to change: pass at least one option\n');
    assert.equal(r.stdout, '');
  });

  test('server errors print "error: <error>: <error_description>" and exit 1', async () => {
    const [dup, missing, bad] = await Promise.all([
      admin('user', 'create', '--username', 'dev@example.com'),
      admin('user', 'get', 'nobody@example.com'),
      admin('user', 'create', '--username', 'x@example.com', '--password', 'short'),
    ]);
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr, 'error: conflict: username is already taken\n');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'error: not_found: no such user\n');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: invalid_request: password: must be 8 to 256 characters\n$/);
  });

  test('user delete removes the user', async () => {
    const r = await admin('user', 'delete', 'dev@example.com');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deleted user dev@example.com\n');
    const again = await admin('user', 'get', 'dev@example.com');
    assert.equal(again.code, 1);
  });

  test('a wrong token is error: invalid_token (exit 1); no token is a local error', async () => {
    const [wrong, none] = await Promise.all([
      runCli(['admin', 'user', 'list'], { env: { ...env, S2S_ADMIN_TOKEN: 'wrong' } }),
      runCli(['admin', 'user', 'list'], { env: { ...env, S2S_ADMIN_TOKEN: '' } }),
    ]);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, 'error: invalid_token: the admin token is invalid\n');
    assert.equal(none.code, 1);
    assert.equal(none.stderr, 'error: no admin token: pass --admin-token or set S2S_ADMIN_TOKEN\n');
  });

  test('--url and --admin-token flags win over the environment', async () => {
    const r = await runCli(['admin', '--url', s.url, '--admin-token', s.adminToken, 'user', 'list'], {
      env: { S2S_URL: 'http://127.0.0.1:9', S2S_ADMIN_TOKEN: 'wrong' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ops2@example\.com/);
  });

  test('an unreachable server is reported (exit 1)', async () => {
    const r = await runCli(['admin', 'user', 'list'], { env: { ...env, S2S_URL: 'http://127.0.0.1:9' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: cannot reach http:\/\/127\.0\.0\.1:9: /);
  });
});
