/**
 * CORS on metadata, JWKS, userinfo and the token endpoint for the configured origins only
 * (preflight and actual requests, errors included); none anywhere else or when unconfigured.
 * Security headers: nosniff on every answer, the page set on every HTML page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.ts';

const APP = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

const preflight = (s: TestServer, path: string, origin: string, method = 'POST') =>
  fetch(s.url + path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization',
    },
  });

describe('CORS with an allow-list', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite', { config: { corsOrigins: [APP, 'http://localhost:3000'] } });
  });
  after(() => s.stop());

  test('preflight from a listed origin: 204 with the methods and headers the path takes', async () => {
    const r = await preflight(s, '/services/oauth2/token', APP);
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), APP);
    assert.equal(r.headers.get('access-control-allow-methods'), 'POST');
    assert.equal(r.headers.get('access-control-allow-headers'), 'Authorization, Content-Type');
    assert.equal(r.headers.get('access-control-max-age'), '600');
    assert.equal(r.headers.get('access-control-allow-credentials'), null, 'never credentials');
    assert.match(r.headers.get('vary') ?? '', /Origin/);
    const ui = await preflight(s, '/services/oauth2/userinfo', 'http://localhost:3000', 'GET');
    assert.equal(ui.headers.get('access-control-allow-methods'), 'GET, POST');
  });

  test('preflight from another origin: no CORS headers, so the browser refuses', async () => {
    const r = await preflight(s, '/services/oauth2/token', OTHER);
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal(r.headers.get('access-control-allow-methods'), null);
  });

  test('actual requests on every listed path carry the origin back, errors included', async () => {
    for (const path of [
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
      '/id/keys',
    ]) {
      const r = await s.get(path, { origin: APP });
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('access-control-allow-origin'), APP, path);
      assert.match(r.headers.get('vary') ?? '', /Origin/, path);
    }
    const ui = await s.get('/services/oauth2/userinfo', { origin: APP });
    assert.equal(ui.status, 401);
    assert.equal(ui.headers.get('access-control-allow-origin'), APP);
    const tok = await s.form('/services/oauth2/token', { grant_type: 'client_credentials' }, { origin: APP });
    assert.equal(tok.status, 401, 'client authentication is required');
    assert.equal(tok.headers.get('access-control-allow-origin'), APP);
    assert.equal(tok.headers.get('access-control-expose-headers'), 'WWW-Authenticate, Retry-After');
    const other = await s.get('/id/keys', { origin: OTHER });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  test('other endpoints never answer with CORS headers', async () => {
    const rv = await s.form('/services/oauth2/revoke', { token: 'x' }, { origin: APP });
    assert.equal(rv.headers.get('access-control-allow-origin'), null);
    const admin = await s.get('/admin/v1/users', { origin: APP });
    assert.equal(admin.headers.get('access-control-allow-origin'), null);
    assert.equal((await preflight(s, '/admin/v1/users', APP)).status, 404);
  });
});

describe('CORS with "*" and without configuration', () => {
  let star: TestServer;
  let none: TestServer;
  before(async () => {
    star = await startTestServer('sqlite', { config: { corsOrigins: ['*'] } });
    none = await startTestServer('sqlite');
  });
  after(async () => {
    await star.stop();
    await none.stop();
  });

  test('"*" allows any origin with the wildcard value', async () => {
    const r = await star.get('/id/keys', { origin: OTHER });
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
  });

  test('unconfigured: no CORS headers and no preflight route', async () => {
    const r = await none.get('/id/keys', { origin: APP });
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal((await preflight(none, '/services/oauth2/token', APP)).status, 404);
  });

  test('security headers: nosniff on JSON answers; the page set on HTML pages', async () => {
    const json = await none.get('/.well-known/openid-configuration');
    assert.equal(json.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(json.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
    const page = await none.get('/services/oauth2/authorize?response_type=code&client_id=nobody');
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(
      page.headers.get('content-security-policy') ?? '',
      /default-src 'none'.*frame-ancestors 'none'/,
    );
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('cross-origin-resource-policy'), 'same-origin');
    assert.match(page.headers.get('permissions-policy') ?? '', /camera=\(\)/);
  });
});
