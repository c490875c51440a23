/**
 * `s2s login web` (authorization code + PKCE, loopback redirect) against our
 * server (its sign-in and consent pages) and node-oidc-provider. The test plays
 * the browser: it reads the printed URL, logs in at the provider's
 * development pages, and follows the redirect to the CLI's listener. Then
 * `s2s token` renews with the refresh token, which the provider rotates.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  keyPair,
  startTestServer,
  type TestServer,
  tempDir,
  tokenRequests,
} from '../../client/test/helpers.ts';
import { browserLogin, type OidcServer, startOidcProvider, WEB } from '../../client/test/oidc_provider.ts';
import { Browser, formFields, PASSWORD, signIn } from '../../server/test/authorize_flow.ts';
import { type CliResult, runCli, S2S_BIN } from './cli.ts';

/** Starts `s2s login web …`; resolves with the URL it prints, and the eventual result. */
function startWebLogin(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; done: Promise<CliResult> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [S2S_BIN, 'login', 'web', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let announced = false;
    const done = new Promise<CliResult>((r) => child.on('close', (code) => r({ code, stdout, stderr })));
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /^ {2}(http\S+)$/m.exec(stdout);
      if (m && !announced) {
        announced = true;
        resolve({ url: m[1]!, done });
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    void done.then((r) => {
      if (!announced) reject(new Error(`s2s login web exited early: ${r.stderr}${r.stdout}`));
    });
  });
}

describe('s2s login web', () => {
  let op: OidcServer;
  const tmp = tempDir('s2s-web-');
  const env = { S2S_CONFIG_DIR: join(tmp.dir, 'config'), S2S_CLIENT_SECRET: WEB.secret };
  before(async () => {
    op = await startOidcProvider(await keyPair());
  });
  after(async () => {
    await op.close();
    tmp.remove();
  });

  const args = (alias: string) => [
    ...['-i', WEB.id, '--issuer', op.issuer, '--scope', 'openid offline_access'],
    ...['--auth-param', 'prompt=consent', '-a', alias],
  ];

  test('prints the URL, receives the redirect on loopback, saves the tokens; s2s token then refreshes with rotation', async () => {
    const { url, done } = await startWebLogin(args('op-web'), env);
    const auth = new URL(url);
    assert.equal(auth.origin, op.issuer);
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
    assert.match(auth.searchParams.get('redirect_uri')!, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const back = await browserLogin(url, 'carol');
    const page = await fetch(back);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Logged in\. You can close this tab/);
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Logged in \(authorization_code\); saved as "op-web" \(default\)\.$/m);
    assert.match(r.stdout, /a refresh token is held\.$/m);
    assert.equal(op.count('authorization_code', true), 1);

    const t1 = await runCli(['token', '--alias', 'op-web'], { env });
    assert.equal(t1.code, 0, t1.stderr);
    assert.equal(op.count('refresh_token'), 0, 'the saved token is still fresh');

    const file = join(tmp.dir, 'config', 'tokens', 'op-web.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const rt0 = doc.state.refreshToken;
    doc.state.token.expiresAt = Date.now() - 1000;
    writeFileSync(file, JSON.stringify(doc));
    const t2 = await runCli(['token', '--alias', 'op-web'], { env });
    assert.equal(t2.code, 0, t2.stderr);
    assert.notEqual(t2.stdout, t1.stdout);
    assert.equal(op.count('refresh_token', true), 1);
    assert.notEqual(
      JSON.parse(readFileSync(file, 'utf8')).state.refreshToken,
      rt0,
      'the rotated refresh token was saved',
    );
  });

  test('a redirect whose state does not match is refused, and nothing is saved', async () => {
    const { url, done } = await startWebLogin(args('op-forged'), env);
    const back = new URL(await browserLogin(url, 'mallory'));
    back.searchParams.set('state', 'forged');
    const page = await fetch(back);
    assert.equal(page.status, 400);
    const r = await done;
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 's2s: credential op-forged: the state came back different (RFC 6749 §10.12)\n');
    const list = await runCli(['credentials', 'list', '--json'], { env });
    assert.deepEqual(
      JSON.parse(list.stdout).map((x: { alias: string }) => x.alias),
      ['op-web'],
    );
  });
});

describe('s2s login web against our server', () => {
  let s: TestServer;
  const tmp = tempDir('s2s-web-ours-');

  before(async () => {
    s = await startTestServer('sqlite');
  });
  after(async () => {
    await s.stop();
    tmp.remove();
  });

  test('sign in and allow at our pages; the refresh token renews a revoked token for s2s request', async () => {
    const user = await s.newUser({ password: PASSWORD });
    const { app, clientSecret } = await s.newApp({
      scopes: ['api', 'id', 'refresh_token'],
      callbackUrls: ['http://127.0.0.1/callback'], // any port on loopback (RFC 8252 §7.3)
    });
    const env = { S2S_CONFIG_DIR: join(tmp.dir, 'config'), S2S_CLIENT_SECRET: clientSecret };
    const { url, done } = await startWebLogin(
      ['-i', app.clientId, '-r', s.url, '--scope', 'api id refresh_token'],
      env,
    );
    assert.ok(url.startsWith(`${s.url}/services/oauth2/authorize?`));

    const b = new Browser(s.url);
    const login = await b.get(new URL(url).pathname + new URL(url).search);
    const after = await signIn(b, login, user.username, PASSWORD);
    assert.equal(after.status, 303, after.text);
    const consent = await b.get(after.location!);
    const fields = formFields(consent.text, '/services/oauth2/authorize/consent');
    const back = await b.post('/services/oauth2/authorize/consent', { ...fields, decision: 'allow' });
    assert.match(back.location!, /^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
    assert.equal((await fetch(back.location!)).status, 200);
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^Logged in \\(authorization_code\\); saved as "${app.clientId}" \\(default\\)\\.$`, 'm'),
    );
    assert.match(r.stdout, new RegExp(`^Instance: ${s.url}; a refresh token is held\\.$`, 'm'));

    const token = (await runCli(['token'], { env })).stdout.trim();
    assert.equal((await s.form('/services/oauth2/revoke', { token })).status, 200);
    const call = await runCli(['request', 'GET', '/services/oauth2/userinfo'], { env });
    assert.equal(call.code, 0, call.stderr);
    assert.equal(JSON.parse(call.stdout).preferred_username, user.username);
    const grants = (await tokenRequests(s, app.clientId)).map((e) => [e.grantType, e.result]);
    assert.deepEqual(grants, [
      ['authorization_code', 'success'],
      ['refresh_token', 'success'],
    ]);
  });
});
