/**
 * The README's promise, end to end: `s2s serve` on an empty SQLite store prints the
 * admin token and the demo; the printed client-credentials request returns a token;
 * the API answers with it; after revocation the API answers 401 INVALID_SESSION_ID.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, startServe } from './cli.ts';

describe('s2s serve (first start, SQLite default)', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startServe>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-serve-'));
    server = await startServe(['--port', '0', '--host', '127.0.0.1'], {
      cwd: dir,
      env: { S2S_ADMIN_TOKEN: '' },
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('creates the SQLite file under ./data and prints the admin token once', () => {
    assert.ok(statSync(join(dir, 'data', 's2s.db')).isFile());
    assert.match(server.output(), /Admin API token \(shown once[^\n]*\n {2}[A-Za-z0-9_-]{43}\n/);
  });

  test('the demo credentials are written with mode 0600', () => {
    const mode = statSync(join(dir, 'data', 'demo', 'credentials.json')).mode & 0o777;
    assert.equal(mode, 0o600);
    assert.equal(statSync(join(dir, 'data', 'demo', 'server.key')).mode & 0o777, 0o600);
  });

  test('the printed client-credentials request returns a token that the API accepts until revoked', async () => {
    const out = server.output();
    const m = /curl -s -u '([^:]+):([^']+)' -d grant_type=client_credentials (\S+)/.exec(out);
    assert.ok(m, `no client-credentials command in:\n${out}`);
    const [, id, secret, tokenUrl] = m;
    const tr = await fetch(tokenUrl!, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    assert.equal(tr.status, 200);
    const token = ((await tr.json()) as { access_token: string }).access_token;

    const apiUrl = /curl -s -H "Authorization: Bearer \$TOKEN" (\S+)/.exec(out)![1]!;
    const ok = await fetch(apiUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);

    const rv = await fetch(`${server.url}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    assert.equal(rv.status, 200);

    const gone = await fetch(apiUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(gone.status, 401);
    assert.deepEqual(await gone.json(), [
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
  });

  test('a second start keeps the data and prints the demo again but no new admin token', async () => {
    await server.stop();
    const creds = readFileSync(join(dir, 'data', 'demo', 'credentials.json'), 'utf8');
    server = await startServe(['--port', '0', '--host', '127.0.0.1'], {
      cwd: dir,
      env: { S2S_ADMIN_TOKEN: '' },
    });
    assert.doesNotMatch(server.output(), /Admin API token/);
    assert.match(server.output(), new RegExp(JSON.parse(creds).clientId));
  });
});

describe('s2s serve configuration errors', () => {
  test('an invalid port is refused with a message naming the flag', async () => {
    const r = await runCli(['serve', '--port', 'eighty']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--port must be a port number/);
  });

  test('an invalid environment value names the variable', async () => {
    const r = await runCli(['serve', '--no-demo'], { env: { S2S_CLOCK_SKEW_SECONDS: 'lots' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /S2S_CLOCK_SKEW_SECONDS must be a whole number/);
  });

  test('a database URL of an unknown kind is refused', async () => {
    const r = await runCli(['serve', '--no-demo', '--db', 'mysql://x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /must start with sqlite: or postgres:\/\//);
  });
});
