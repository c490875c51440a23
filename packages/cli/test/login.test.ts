/**
 * `s2s login jwt|saml|client-credentials` against our real server, through the
 * real binary: a first token proves the credential, which is then saved
 * (0600 files in a 0700 directory), and nothing secret is printed.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type AppSetup,
  setUpApp,
  startTestServer,
  type TestServer,
  tempDir,
  tokenRequests,
} from '../../client/test/helpers.ts';
import { runCli } from './cli.ts';

describe('s2s login', () => {
  let s: TestServer;
  let a: AppSetup;
  const tmp = tempDir('s2s-login-');
  const configDir = join(tmp.dir, 'config');
  const env = { S2S_CONFIG_DIR: configDir };
  const keyFile = join(tmp.dir, 'server.key');
  const certFile = join(tmp.dir, 'server.crt');
  const s2s = (...args: string[]) => runCli(args, { env });
  const saved = (alias: string) =>
    JSON.parse(readFileSync(join(configDir, 'credentials', `${alias}.json`), 'utf8')).credential;

  before(async () => {
    s = await startTestServer('sqlite');
    a = await setUpApp(s);
    writeFileSync(keyFile, a.key.privateKeyPem, { mode: 0o600 });
    writeFileSync(certFile, a.key.certificatePem);
  });
  after(async () => {
    await s.stop();
    tmp.remove();
  });

  test('login jwt (the `sf org login jwt` shape) gets a token and saves the credential', async () => {
    const r = await s2s(
      'login',
      'jwt',
      '--client-id',
      a.clientId,
      '--jwt-key-file',
      keyFile,
      '--username',
      a.username,
      '--instance-url',
      s.url,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^Logged in as ${a.username.replace(/\./g, '\\.')} \\(jwt_bearer\\); saved as "${a.username.replace(/\./g, '\\.')}" \\(default\\)\\.$`,
        'm',
      ),
    );
    assert.match(r.stdout, new RegExp(`^Instance: ${s.url}; token valid until \\d{4}-`, 'm'));
    assert.doesNotMatch(r.stdout + r.stderr, /00D[A-Za-z0-9]+!/, 'no access token printed');

    const c = saved(a.username);
    assert.deepEqual(c, {
      name: a.username,
      flow: 'jwt_bearer',
      clientId: a.clientId,
      privateKeyFile: keyFile,
      subject: a.username,
      tokenEndpoint: `${s.url}/services/oauth2/token`,
      issuer: s.url,
    });
    assert.equal(statSync(configDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(configDir, 'credentials')).mode & 0o777, 0o700);
    assert.equal(statSync(join(configDir, 'credentials', `${a.username}.json`)).mode & 0o777, 0o600);
    assert.equal(statSync(join(configDir, 'tokens', `${a.username}.json`)).mode & 0o777, 0o600);
    assert.equal(JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).defaultAlias, a.username);
    const log = await tokenRequests(s, a.clientId);
    assert.equal(log.at(-1)!.grantType, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  });

  test('login saml, with an alias', async () => {
    const r = await s2s(
      'login',
      'saml',
      '-i',
      a.clientId,
      '-f',
      keyFile,
      '-c',
      certFile,
      '-o',
      a.username,
      '-r',
      s.url,
      '--alias',
      'saml-sync',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(saml2_bearer\); saved as "saml-sync"\.$/m);
    assert.equal(saved('saml-sync').certificateFile, certFile);
    const log = await tokenRequests(s, a.clientId);
    assert.equal(log.at(-1)!.grantType, 'urn:ietf:params:oauth:grant-type:saml2-bearer');
    assert.equal(log.at(-1)!.result, 'success');
  });

  test('login client-credentials: --client-secret (basic), S2S_CLIENT_SECRET with --auth post, or --jwt-key-file', async () => {
    const basic = await s2s(
      'login',
      'client-credentials',
      '--client-id',
      a.clientId,
      '--client-secret',
      a.clientSecret,
      '--instance-url',
      s.url,
      '-a',
      'cc-basic',
    );
    assert.equal(basic.code, 0, basic.stderr);
    assert.match(
      basic.stdout,
      new RegExp(`^Logged in as client ${a.clientId} \\(client_credentials\\); saved as "cc-basic"\\.$`, 'm'),
    );
    assert.equal(saved('cc-basic').clientAuthMethod, 'client_secret_basic');
    assert.ok(!basic.stdout.includes(a.clientSecret) && !basic.stderr.includes(a.clientSecret));

    const post = await runCli(
      ['login', 'client-credentials', '-i', a.clientId, '--auth', 'post', '-r', s.url, '-a', 'cc-post'],
      {
        env: { ...env, S2S_CLIENT_SECRET: a.clientSecret },
      },
    );
    assert.equal(post.code, 0, post.stderr);
    assert.equal(saved('cc-post').clientAuthMethod, 'client_secret_post');

    const pkj = await s2s(
      'login',
      'client-credentials',
      '-i',
      a.clientId,
      '--jwt-key-file',
      keyFile,
      '-r',
      s.url,
      '-a',
      'cc-key',
      '--set-default',
    );
    assert.equal(pkj.code, 0, pkj.stderr);
    assert.match(pkj.stdout, /saved as "cc-key" \(default\)\./);
    assert.equal(saved('cc-key').clientAuthMethod, 'private_key_jwt');
    const log = (await tokenRequests(s, a.clientId)).slice(-3);
    assert.deepEqual(
      log.map((e) => [e.grantType, e.result]),
      [
        ['client_credentials', 'success'],
        ['client_credentials', 'success'],
        ['client_credentials', 'success'],
      ],
    );
  });

  test('a refused login prints the server’s error and saves nothing', async () => {
    const r = await s2s(
      'login',
      'client-credentials',
      '-i',
      a.clientId,
      '--client-secret',
      'wrong',
      '-r',
      s.url,
      '-a',
      'nope',
    );
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 's2s: credential nope: invalid_client: invalid client credentials (HTTP 401)\n');
    const list = await s2s('credentials', 'list', '--json');
    assert.ok(!JSON.parse(list.stdout).some((x: { alias: string }) => x.alias === 'nope'));

    // A failed login under an existing alias leaves that credential and its tokens as they were.
    const tokensBefore = readFileSync(join(configDir, 'tokens', 'cc-basic.json'), 'utf8');
    const again = await s2s(
      'login',
      'client-credentials',
      '-i',
      a.clientId,
      '--client-secret',
      'wrong',
      '-r',
      s.url,
      '-a',
      'cc-basic',
    );
    assert.equal(again.code, 1);
    assert.equal(saved('cc-basic').clientSecret, a.clientSecret);
    assert.equal(readFileSync(join(configDir, 'tokens', 'cc-basic.json'), 'utf8'), tokensBefore);

    const other = await s.newUser();
    const jwt = await s2s('login', 'jwt', '-i', a.clientId, '-f', keyFile, '-o', other.username, '-r', s.url);
    assert.equal(jwt.code, 1);
    assert.equal(
      jwt.stderr,
      `s2s: credential ${other.username}: invalid_app_access: user is not admin approved to access this app (HTTP 400)\n`,
    );
  });

  test('usage errors: no URL, both a secret and a key, a bad alias', async () => {
    const noUrl = await s2s('login', 'jwt', '-i', a.clientId, '-f', keyFile, '-o', a.username);
    assert.equal(noUrl.code, 1);
    assert.equal(noUrl.stderr, 's2s: give --instance-url (or --token-url, or --issuer)\n');
    const both = await s2s(
      'login',
      'client-credentials',
      '-i',
      a.clientId,
      '--client-secret',
      'x',
      '-f',
      keyFile,
      '-r',
      s.url,
    );
    assert.equal(both.code, 1);
    assert.equal(
      both.stderr,
      's2s: give exactly one of --client-secret (or S2S_CLIENT_SECRET) and --jwt-key-file\n',
    );
    const badAlias = await s2s(
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
      '../x',
    );
    assert.notEqual(badAlias.code, 0);
    assert.match(badAlias.stderr, /option '-a, --alias <name>' argument '\.\.\/x' is invalid/);
  });
});
