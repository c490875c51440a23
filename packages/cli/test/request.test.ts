/**
 * `s2s request`: one API call with a saved credential, against our resource
 * server (and a small echo server for bodies and headers). A revoked token is
 * renewed and the call retried once.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type AppSetup,
  type LittleServer,
  littleServer,
  setUpApp,
  startTestServer,
  type TestServer,
  tempDir,
  tokenRequests,
} from '../../client/test/helpers.ts';
import { runCli } from './cli.ts';

describe('s2s request', () => {
  let s: TestServer;
  let a: AppSetup;
  let echo: LittleServer;
  const tmp = tempDir('s2s-request-');
  const env = { S2S_CONFIG_DIR: join(tmp.dir, 'config') };
  const s2s = (...args: string[]) => runCli(args, { env });

  before(async () => {
    s = await startTestServer('sqlite');
    a = await setUpApp(s);
    echo = await littleServer((req, body, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          method: req.method,
          contentType: req.headers['content-type'] ?? null,
          trace: req.headers['x-trace'] ?? null,
          bearer: /^Bearer \S+$/.test(req.headers.authorization ?? ''),
          body,
        }),
      );
    });
    const r = await s2s(
      'login',
      'client-credentials',
      '-i',
      a.clientId,
      '--client-secret',
      a.clientSecret,
      '-r',
      s.url,
    );
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await echo.close();
    await s.stop();
    tmp.remove();
  });

  test('GET a path under instance_url: status on stderr, raw JSON on stdout when piped; --pretty indents', async () => {
    const r = await s2s('request', 'GET', '/services/data/v62.0/');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^HTTP 200( OK)?\n$/);
    const body = JSON.parse(r.stdout);
    assert.equal(body.limits, '/services/data/v62.0/limits');
    assert.ok(!r.stdout.includes('\n  '), 'raw: as the server sent it');
    const p = await s2s('request', 'get', '/services/data/v62.0/', '--pretty');
    assert.equal(p.stdout, `${JSON.stringify(body, null, 2)}\n`);
  });

  test('POST --data @file with a header; the body defaults to JSON', async () => {
    const file = join(tmp.dir, 'account.json');
    writeFileSync(file, '{"Name":"Acme"}');
    const r = await s2s(
      'request',
      'POST',
      `${echo.url}/services/data/v62.0/sobjects/Account`,
      '--data',
      `@${file}`,
      '-H',
      'X-Trace: t-42',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      method: 'POST',
      contentType: 'application/json',
      trace: 't-42',
      bearer: true,
      body: '{"Name":"Acme"}',
    });
    const inline = await s2s(
      'request',
      'PATCH',
      `${echo.url}/x`,
      '-d',
      '{"a":1}',
      '-H',
      'content-type: application/merge-patch+json',
    );
    assert.equal(JSON.parse(inline.stdout).contentType, 'application/merge-patch+json');
    assert.equal(JSON.parse(inline.stdout).body, '{"a":1}');
  });

  test('an error status is printed, body included, and the exit code is 1', async () => {
    const r = await s2s('request', 'GET', `${echo.url}/missing`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^HTTP 404( Not Found)?\n$/);
    assert.equal(JSON.parse(r.stdout).method, 'GET');
  });

  test('a revoked token: the server says 401 INVALID_SESSION_ID, the token is renewed, the call retried once', async () => {
    const tokens = JSON.parse(readFileSync(join(tmp.dir, 'config', 'tokens', `${a.clientId}.json`), 'utf8'));
    const old = tokens.state.token.accessToken as string;
    const revoked = await s.form('/services/oauth2/revoke', { token: old });
    assert.equal(revoked.status, 200, revoked.text);
    const before = (await tokenRequests(s, a.clientId)).length;
    const r = await s2s('request', 'GET', '/services/data/v62.0/');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stderr, /^HTTP 200/);
    assert.equal((await tokenRequests(s, a.clientId)).length - before, 1);
    const now = JSON.parse(readFileSync(join(tmp.dir, 'config', 'tokens', `${a.clientId}.json`), 'utf8'));
    assert.notEqual(now.state.token.accessToken, old, 'the new token was saved for the next invocation');
  });

  test('a method that is not one is refused before any request', async () => {
    const r = await s2s('request', 'GE T', '/services/data');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 's2s: GE T is not an HTTP method\n');
  });
});
