/**
 * docs/client.md says its examples run as written: this runs them. Each block
 * marked `<!-- example: NAME -->` is taken from the document verbatim and run
 * in its own process — the TypeScript ones with tsx, the shell one with bash —
 * against a server with the demo set-up (as `npm start` makes it), with the
 * environment the document tells the reader to export. Where the reader would
 * use a browser (the authorization-code example), the test signs in at our
 * server's pages and follows the redirect to the example's listener.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Browser, formFields, signIn } from '../../server/test/authorize_flow.ts';
import { startTestServer, type TestServer, tempDir, tokenRequests } from './helpers.ts';

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
  opts: { cwd: string; env: NodeJS.ProcessEnv; onStdout?: (soFar: string) => void },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(stdout);
    });
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
  let demo: { clientId: string; clientSecret: string; username: string; password: string };

  before(async () => {
    mkdirSync(work, { recursive: true });
    s = await startTestServer('sqlite', { config: { demo: true, dataDir: join(tmp.dir, 'data') } });
    demo = JSON.parse(readFileSync(join(tmp.dir, 'data/demo/credentials.json'), 'utf8'));
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
      'authorization_code',
      'cli',
      'client_credentials',
      'jwt_bearer',
      'private_key_jwt',
      'saml2_bearer',
    ]);
  });

  async function runTs(name: string, onStdout?: (soFar: string) => void) {
    const file = join(work, `${name}.ts`);
    writeFileSync(file, found.get(name)!.code);
    const r = await run(process.execPath, ['--import', 'tsx', file], { cwd: work, env, onStdout });
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

  /** The reader in the browser: signs in as the demo user, allows, and follows the redirect. */
  async function reader(authorizationUrl: string): Promise<void> {
    const b = new Browser(s.url);
    const u = new URL(authorizationUrl);
    let page = await b.get(u.pathname + u.search);
    if (page.status === 200 && page.text.includes('action="/services/oauth2/login"')) {
      const after = await signIn(b, page, demo.username, demo.password);
      assert.equal(after.status, 303, after.text);
      page = await b.get(after.location!);
    }
    if (page.status === 200) {
      const fields = formFields(page.text, '/services/oauth2/authorize/consent');
      page = await b.post('/services/oauth2/authorize/consent', { ...fields, decision: 'allow' });
    }
    assert.match(
      page.location ?? '',
      /^http:\/\/localhost:1717\/OauthRedirect\?code=/,
      page.text.slice(0, 300),
    );
    const landed = await fetch(page.location!);
    assert.equal(await landed.text(), 'Logged in. You can close this tab.');
  }

  test('authorization code, then a refresh with rotation (the test plays the browser)', async () => {
    let opened: Promise<void> | undefined;
    const out = await runTs('authorization_code', (soFar) => {
      const m = /^Open (\S+)$/m.exec(soFar);
      if (m && !opened) opened = reader(m[1]!);
    });
    await opened;
    assert.match(out, /^Open http:\/\/127\.0\.0\.1:\d+\/services\/oauth2\/authorize\?/);
    assert.match(out, /\n200 true\n$/);
    const grants = (await tokenRequests(s, demo.clientId)).map((e) => [e.grantType, e.result]);
    assert.deepEqual(grants.slice(-2), [
      ['authorization_code', 'success'],
      ['refresh_token', 'success'],
    ]);
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
