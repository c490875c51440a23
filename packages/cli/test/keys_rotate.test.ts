/**
 * `s2s keys list|rotate` against a real `s2s serve`: rotation adds a pending key that is
 * published at once; the list shows each key's state and schedule; errors come back as
 * `error: <code>: <description>` with exit code 1. And a wrong S2S_KEY_ENCRYPTION_KEY
 * stops `s2s serve` with a message that names it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, startServe } from './cli.ts';

const ADMIN = 'keys-cli-admin-token-0123456789';
const KEY = randomBytes(32).toString('base64');

describe('s2s keys list and rotate', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startServe>>;
  const keys = (...args: string[]) =>
    runCli(['keys', ...args, '--url', server.url], { env: { S2S_ADMIN_TOKEN: ADMIN } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-keys-rotate-'));
    server = await startServe(['--port', '0', '--host', '127.0.0.1', '--no-demo'], {
      cwd: dir,
      env: { S2S_ADMIN_TOKEN: ADMIN, S2S_KEY_ENCRYPTION_KEY: KEY, S2S_LOG_LEVEL: 'warn' },
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('list: one signing key, encrypted at rest', async () => {
    const r = await keys('list');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^KID\s+ALG\s+STATE\s+CREATED\s+SIGNS FROM\s+RETIRES\s+ENCRYPTED$/);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /^[0-9a-f-]{36}\s+ES256\s+signing\s+\S+\s+\S+\s+-\s+yes$/);
  });

  test('rotate: the new key is pending, published, and the old one is scheduled to retire', async () => {
    const r = await keys('rotate', '--overlap', '7200', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      key: { kid: string; state: string; createdAt: string; activatesAt: string };
      keys: { kid: string; state: string; retiresAt: string | null }[];
    };
    assert.equal(out.key.state, 'pending');
    assert.equal(Date.parse(out.key.activatesAt) - Date.parse(out.key.createdAt), 7_200_000);
    const old = out.keys.find((k) => k.kid !== out.key.kid)!;
    assert.equal(old.state, 'signing');
    assert.equal(Date.parse(old.retiresAt!) - Date.parse(out.key.activatesAt), 90_000_000);
    const jwks = (await (await fetch(`${server.url}/id/keys`)).json()) as { keys: { kid: string }[] };
    assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [old.kid, out.key.kid].sort());

    const listed = await keys('list', '--json');
    assert.deepEqual((JSON.parse(listed.stdout) as { state: string }[]).map((k) => k.state).sort(), [
      'pending',
      'signing',
    ]);
  });

  test('rotate --alg RS256 prints the new key and the table', async () => {
    const r = await keys('rotate', '--alg', 'RS256');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^new key:\s+[0-9a-f-]{36}\npublished from:\s+\S+\nsigns from:\s+\S+\n/);
    assert.match(r.stdout, /RS256\s+pending/);
  });

  test('a wrong admin token or a bad value is an error with exit code 1', async () => {
    const bad = await runCli([
      'keys',
      'list',
      '--url',
      server.url,
      '--admin-token',
      'wrong-admin-token-0123456789',
    ]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'error: invalid_token: the admin token is invalid\n');
    const alg = await keys('rotate', '--alg', 'HS256');
    assert.equal(alg.code, 1);
    assert.match(alg.stderr, /argument 'HS256' is invalid. Allowed choices are ES256, RS256/);
  });

  test('s2s serve with a different S2S_KEY_ENCRYPTION_KEY refuses to start, naming it', async () => {
    const r = await runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--no-demo'], {
      cwd: dir,
      env: { S2S_ADMIN_TOKEN: ADMIN, S2S_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /invalid configuration: signing key \S+ is encrypted with a key S2S_KEY_ENCRYPTION_KEY does not hold/,
    );
  });
});
