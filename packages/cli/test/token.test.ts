/**
 * `s2s token`: a fresh access token of a saved credential. Invocations share
 * the token store, so a still-fresh token is not asked for again (counted in
 * our server's audit log); an expired one is renewed.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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

describe('s2s token', () => {
  let s: TestServer;
  let a: AppSetup;
  const tmp = tempDir('s2s-token-');
  const env = { S2S_CONFIG_DIR: join(tmp.dir, 'config') };
  const s2s = (...args: string[]) => runCli(args, { env });
  const count = async () => (await tokenRequests(s, a.clientId)).length;

  before(async () => {
    s = await startTestServer('sqlite');
    a = await setUpApp(s);
    const r = await s2s(
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
    );
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.stop();
    tmp.remove();
  });

  test('prints the saved token while it is fresh: no new token request', async () => {
    const before = await count();
    const r = await s2s('token');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^00D[A-Za-z0-9]+![A-Za-z0-9_-]+\n$/);
    assert.equal(r.stderr, '');
    const again = await s2s('token', '--alias', 'billing');
    assert.equal(again.stdout, r.stdout);
    assert.equal(await count(), before, 'both came from the token store');
    // The token works at the resource server.
    const api = await s.get('/services/data/v62.0/', { authorization: `Bearer ${r.stdout.trim()}` });
    assert.equal(api.status, 200);
  });

  test('an expired token is renewed, and --json tells when it expires', async () => {
    const file = join(tmp.dir, 'config', 'tokens', 'billing.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const old = doc.state.token.accessToken;
    doc.state.token.expiresAt = Date.now() - 1000; // as if two hours had passed
    writeFileSync(file, JSON.stringify(doc));
    const before = await count();
    const r = await s2s('token', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.notEqual(j.access_token, old);
    assert.equal(j.instance_url, s.url);
    const left = Date.parse(j.expires_at) - Date.now();
    assert.ok(left > 7100_000 && left <= 7200_000, `expires in ~2 h (${left} ms)`);
    assert.equal((await count()) - before, 1);
  });

  test('an unknown alias names the saved ones', async () => {
    const r = await s2s('token', '--alias', 'nobody');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 's2s: no saved credential "nobody" (saved: billing)\n');
    const empty = await runCli(['token'], { env: { S2S_CONFIG_DIR: join(tmp.dir, 'empty') } });
    assert.equal(empty.code, 1);
    assert.equal(empty.stderr, 's2s: no saved credentials; log in first with `s2s login`\n');
  });
});
