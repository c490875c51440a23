/** `s2s credentials list|show|remove`: what `s2s login` saved, secrets never printed. */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type AppSetup,
  setUpApp,
  startTestServer,
  type TestServer,
  tempDir,
} from '../../client/test/helpers.ts';
import { runCli } from './cli.ts';

describe('s2s credentials', () => {
  let s: TestServer;
  let a: AppSetup;
  const tmp = tempDir('s2s-creds-');
  const configDir = join(tmp.dir, 'config');
  const env = { S2S_CONFIG_DIR: configDir };
  const s2s = (...args: string[]) => runCli(args, { env });
  const keyFile = join(tmp.dir, 'k.pem');

  before(async () => {
    s = await startTestServer('sqlite');
    a = await setUpApp(s);
    writeFileSync(keyFile, a.key.privateKeyPem, { mode: 0o600 });
    const logins = await Promise.all([
      s2s(
        'login',
        'client-credentials',
        '-i',
        a.clientId,
        '--client-secret',
        a.clientSecret,
        '-r',
        s.url,
        '-a',
        'billing',
      ),
      s2s('login', 'jwt', '-i', a.clientId, '-f', keyFile, '-o', a.username, '-r', s.url, '-a', 'sync'),
    ]);
    for (const r of logins) assert.equal(r.code, 0, r.stderr);
    const d = await s2s(
      'login',
      'jwt',
      '-i',
      a.clientId,
      '-f',
      keyFile,
      '-o',
      a.username,
      '-r',
      s.url,
      '-a',
      'sync',
      '--set-default',
    );
    assert.equal(d.code, 0, d.stderr);
  });
  after(async () => {
    await s.stop();
    tmp.remove();
  });

  test('list: one line each, * on the default; --json; no secrets', async () => {
    const r = await s2s('credentials', 'list');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      new RegExp(
        `^  billing  client_credentials  client ${a.clientId}  ${s.url}  \\(token valid until \\d{4}-`,
      ),
    );
    assert.match(
      lines[1]!,
      new RegExp(`^\\* sync  jwt_bearer  ${a.username.replace(/\./g, '\\.')}  ${s.url}  \\(token valid`),
    );
    const j = JSON.parse((await s2s('credentials', 'list', '--json')).stdout);
    assert.deepEqual(
      j.map((x: { alias: string; default: boolean; flow: string }) => [x.alias, x.default, x.flow]),
      [
        ['billing', false, 'client_credentials'],
        ['sync', true, 'jwt_bearer'],
      ],
    );
    assert.ok(!r.stdout.includes(a.clientSecret));
    assert.doesNotMatch(r.stdout, /00D[A-Za-z0-9]+!/);
  });

  test('show: the credential with secrets as "(set)", the key by path, the token by status only', async () => {
    const r = await s2s('credentials', 'show', 'billing');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.alias, 'billing');
    assert.equal(j.default, false);
    assert.equal(j.credential.clientSecret, '(set)');
    assert.equal(j.credential.clientAuthMethod, 'client_secret_basic');
    assert.equal(j.instanceUrl, s.url);
    assert.equal(j.scope, 'api id refresh_token');
    assert.equal(j.refreshToken, null);
    assert.match(j.token, /^token valid until /);
    assert.ok(!r.stdout.includes(a.clientSecret));
    assert.doesNotMatch(r.stdout, /00D[A-Za-z0-9]+!/);
    const def = JSON.parse((await s2s('credentials', 'show')).stdout);
    assert.equal(def.alias, 'sync');
    assert.equal(def.credential.privateKeyFile, keyFile);
  });

  test('remove: the credential and its tokens go; the default is cleared; unknown aliases are an error', async () => {
    const r = await s2s('credentials', 'remove', 'sync');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Removed "sync".\n');
    assert.ok(!existsSync(join(configDir, 'credentials', 'sync.json')));
    assert.ok(!existsSync(join(configDir, 'tokens', 'sync.json')));
    const list = await s2s('credentials', 'list', '--json');
    assert.deepEqual(
      JSON.parse(list.stdout).map((x: { alias: string; default: boolean }) => [x.alias, x.default]),
      [['billing', false]],
    );
    // With one credential left and no default, it is the one used.
    const t = await s2s('token');
    assert.equal(t.code, 0, t.stderr);
    const gone = await s2s('credentials', 'remove', 'sync');
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, 's2s: no saved credential "sync" (saved: billing)\n');
  });
});
