/**
 * docs/client.md says its examples run as written: this runs them. Each block
 * marked `<!-- example: NAME -->` is taken from the document verbatim and run
 * in its own process — the TypeScript ones with tsx, the shell one with bash —
 * against a server with the demo set-up (as `npm start` makes it), with the
 * environment the document tells the reader to export. The refresh example
 * runs against node-oidc-provider, since our server has no refresh tokens yet.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createCredential } from '../src/index.ts';
import { keyPair, startTestServer, type TestServer, tempDir } from './helpers.ts';
import { browserLogin, startOidcProvider, WEB } from './oidc_provider.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/client.md'), 'utf8');

function examples(): Map<string, { lang: string; code: string }> {
  const out = new Map<string, { lang: string; code: string }>();
  for (const m of DOC.matchAll(/<!-- example: ([a-z0-9_]+) -->\n```(ts|sh)\n([\s\S]*?)```/g)) {
    out.set(m[1]!, { lang: m[2]!, code: m[3]! });
  }
  return out;
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('docs/client.md examples run as written', () => {
  const found = examples();
  let s: TestServer;
  const tmp = tempDir('s2s-docs-');
  // Inside the repository, so that `@s2s-oauth/client` resolves as it does for the reader.
  const work = join(ROOT, 'packages/client/test-output', `docs-${process.pid}`);
  let env: NodeJS.ProcessEnv;

  before(async () => {
    mkdirSync(work, { recursive: true });
    s = await startTestServer('sqlite', { config: { demo: true, dataDir: join(tmp.dir, 'data') } });
    const demo = JSON.parse(readFileSync(join(tmp.dir, 'data/demo/credentials.json'), 'utf8'));
    env = {
      S2S_URL: s.url,
      CLIENT_ID: demo.clientId,
      CLIENT_SECRET: demo.clientSecret,
      KEY_FILE: join(tmp.dir, 'data/demo/server.key'),
      CERT_FILE: join(tmp.dir, 'data/demo/server.crt'),
      S2S_USERNAME: 'demo@s2s.local',
      S2S_CONFIG_DIR: join(tmp.dir, 'config'),
    };
  });
  after(async () => {
    await s.stop();
    tmp.remove();
    rmSync(work, { recursive: true, force: true });
  });

  test('the document has every example', () => {
    assert.deepEqual([...found.keys()].sort(), [
      'cli',
      'client_credentials',
      'jwt_bearer',
      'private_key_jwt',
      'refresh_token',
      'saml2_bearer',
    ]);
  });

  async function runTs(name: string, extraEnv: NodeJS.ProcessEnv = {}) {
    const file = join(work, `${name}.ts`);
    writeFileSync(file, found.get(name)!.code);
    const r = await run(process.execPath, ['--import', 'tsx', file], {
      cwd: work,
      env: { ...env, ...extraEnv },
    });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    return r.stdout;
  }

  test('client credentials with a secret', async () => {
    assert.equal(await runTs('client_credentials'), '200 demo@s2s.local\n');
  });

  test('client credentials with private_key_jwt, endpoint discovered', async () => {
    assert.equal(await runTs('private_key_jwt'), 'Bearer api id refresh_token offline_access\n');
  });

  test('JWT bearer, and a typed refusal', async () => {
    assert.equal(await runTs('jwt_bearer'), '200 demo@s2s.local\n400 invalid_grant stranger\n');
  });

  test('SAML 2.0 bearer', async () => {
    assert.equal(await runTs('saml2_bearer'), '200 true\n');
  });

  test('refresh token with rotation (against node-oidc-provider)', async () => {
    const op = await startOidcProvider(await keyPair());
    try {
      const login = createCredential({
        name: 'docs-login',
        flow: 'authorization_code',
        issuer: op.issuer,
        clientId: WEB.id,
        clientSecret: WEB.secret,
        redirectUri: WEB.redirect,
        scopes: ['openid', 'offline_access'],
        authorizationParams: { prompt: 'consent' },
      });
      const pending = await login.beginAuthorization();
      await login.finishAuthorization(pending, await browserLogin(pending.url, 'docs-reader'));
      const out = await runTs('refresh_token', {
        TOKEN_URL: op.tokenEndpoint,
        REFRESH_CLIENT_ID: WEB.id,
        REFRESH_CLIENT_SECRET: WEB.secret,
        REFRESH_TOKEN: (await login.state())!.refreshToken!,
      });
      assert.equal(out, 'true true\n');
      assert.equal(op.count('refresh_token', true), 2);
      assert.equal(op.count('refresh_token', false), 0);
    } finally {
      await op.close();
    }
  });

  test('the CLI walk-through', async () => {
    const r = await run('bash', ['-euo', 'pipefail', '-c', found.get('cli')!.code], { cwd: ROOT, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(
      r.stdout,
      /^Logged in as demo@s2s\.local \(jwt_bearer\); saved as "demo-jwt" \(default\)\.$/m,
    );
    assert.match(r.stdout, /^Logged in as demo@s2s\.local \(saml2_bearer\); saved as "demo-saml"\.$/m);
    assert.match(r.stdout, /^Logged in as client \S+ \(client_credentials\); saved as "demo-cc"\.$/m);
    assert.match(r.stdout, /^\* demo-jwt {2}jwt_bearer {2}demo@s2s\.local {2}http/m);
    assert.match(r.stdout, /"clientSecret": "\(set\)"/);
    assert.match(r.stdout, /"preferred_username":"demo@s2s\.local"/);
    assert.match(r.stdout, /\n {2}"sobjects": "\/services\/data\/v62\.0\/sobjects",\n/);
    assert.match(r.stderr, /^HTTP 200/m);
    assert.match(r.stdout, /^Removed "demo-saml"\.$/m);
    assert.ok(!r.stdout.includes(env.CLIENT_SECRET!), 'the secret is never printed');
  });
});
