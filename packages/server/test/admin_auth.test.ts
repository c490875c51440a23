import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DB_KINDS, startTestServer, type TestServer, toResult } from './harness.ts';

const USERS = '/admin/v1/users';

for (const kind of DB_KINDS) {
  describe(`admin API: authentication and wire rules (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s.stop());

    const call = async (path: string, init: RequestInit = {}) => toResult(await fetch(s.url + path, init));
    const json = (method: string, body: string, type = 'application/json') => ({
      method,
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': type },
      body,
    });

    test('no token: 401 invalid_token, challenge without an error code (RFC 6750 §3.1)', async () => {
      const r = await call(USERS);
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_token');
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="s2s-admin"');
      assert.equal(r.headers.get('cache-control'), 'no-store');
    });

    test('another scheme counts as no bearer token', async () => {
      const r = await call(USERS, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_token');
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="s2s-admin"');
    });

    test('a wrong or malformed token: 401 with error="invalid_token"', async () => {
      for (const authorization of [
        `Bearer ${s.adminToken}x`,
        'Bearer a b',
        'Bearer ä',
        `Bearer ${'x'.repeat(500)}`,
      ]) {
        const r = await call(USERS, { headers: { authorization } });
        assert.equal(r.status, 401, authorization);
        assert.equal(r.body.error, 'invalid_token');
        assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="s2s-admin", error="invalid_token"');
      }
    });

    test('the scheme name is case-insensitive (RFC 7235 §2.1)', async () => {
      const r = await call(USERS, { headers: { authorization: `bearer ${s.adminToken}` } });
      assert.equal(r.status, 200);
    });

    test('no token is checked before the body: bad JSON without a token is still 401', async () => {
      const r = await call(USERS, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      assert.equal(r.status, 401);
    });

    test('every answer carries Cache-Control: no-store', async () => {
      const r = await s.admin('GET', USERS);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      const d = await s.admin('DELETE', `${USERS}/nobody`);
      assert.equal(d.status, 404);
      assert.equal(d.headers.get('cache-control'), 'no-store');
    });

    test('malformed JSON is 400 invalid_request, never 500', async () => {
      const r = await call(USERS, json('POST', '{"username": '));
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_request');
    });

    test('a non-JSON body is 400 invalid_request naming the body', async () => {
      const r = await call(USERS, json('POST', 'username=x', 'text/plain'));
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_request');
      assert.equal(r.body.field, 'body');
      const form = await call(USERS, json('POST', 'username=x', 'application/x-www-form-urlencoded'));
      assert.equal(form.status, 400);
      assert.equal(form.body.field, 'body');
    });

    test('JSON that is not an object is 400 naming the body', async () => {
      for (const body of ['[]', '"x"', 'null', '42']) {
        const r = await call(USERS, json('POST', body));
        assert.equal(r.status, 400, body);
        assert.equal(r.body.error, 'invalid_request');
      }
    });

    test('an empty JSON body is 400 invalid_request', async () => {
      const r = await call(USERS, json('POST', ''));
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_request');
    });

    test('__proto__ in a body is refused, not merged', async () => {
      const r = await call(USERS, json('POST', '{"username":"p@x.com","__proto__":{"active":false}}'));
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_request');
    });

    test('an unknown admin path is 404 not_found', async () => {
      const r = await s.admin('GET', '/admin/v1/nothing');
      assert.equal(r.status, 404);
      assert.equal(r.body.error, 'not_found');
    });

    test('the OpenAPI document needs no token', async () => {
      const r = await call('/admin/v1/openapi.json');
      assert.equal(r.status, 200);
      assert.equal(r.body.openapi, '3.1.0');
      assert.equal(r.body.servers[0].url, s.url);
    });
  });
}
