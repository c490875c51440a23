// Framework-level and unexpected errors on the resource paths still answer in
// Salesforce's error-array shape, never as OAuth JSON and never with a stack.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const USERINFO = '/services/oauth2/userinfo';

async function token(s: TestServer): Promise<string> {
  const user = await s.newUser();
  const { app, clientSecret } = await s.newApp({
    scopes: ['api'],
    clientCredentials: { enabled: true, runAs: user.username },
  });
  const r = await s.form(
    '/services/oauth2/token',
    { grant_type: 'client_credentials' },
    { authorization: basic(app.clientId, clientSecret) },
  );
  return r.body.access_token;
}

for (const kind of DB_KINDS) {
  describe(`resource server: framework errors (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s.stop());

    test('an unparsable JSON body is 400 JSON_PARSER_ERROR', async () => {
      const res = await fetch(s.url + USERINFO, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"access_token":',
      });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
      assert.deepEqual(await res.json(), [
        { message: 'The request could not be parsed', errorCode: 'JSON_PARSER_ERROR' },
      ]);
    });

    test('a body over the limit is 413 REQUEST_ENTITY_TOO_LARGE', async () => {
      const res = await fetch(s.url + USERINFO, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${'a'.repeat(70 * 1024)}`,
      });
      assert.equal(res.status, 413);
      assert.deepEqual(await res.json(), [
        { message: 'The request body is too large', errorCode: 'REQUEST_ENTITY_TOO_LARGE' },
      ]);
    });

    test('a failing store is 500 UNKNOWN_EXCEPTION with the request id, no stack', async () => {
      const t = await startTestServer(kind);
      try {
        const tok = await token(t);
        await t.ctx.store.close();
        const res = await fetch(`${t.url}/services/data/v62.0/`, {
          headers: { authorization: `Bearer ${tok}` },
        });
        const text = await res.text();
        assert.equal(res.status, 500);
        assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
        const body = JSON.parse(text);
        assert.equal(body.length, 1);
        assert.equal(body[0].errorCode, 'UNKNOWN_EXCEPTION');
        assert.match(
          body[0].message,
          /^An unexpected error occurred\. Please include this ErrorId if you contact support: \S+$/,
        );
        assert.doesNotMatch(text, /at |\.ts:|stack/i);
        assert.equal(text.includes(tok), false);
      } finally {
        await t.stop();
      }
    });
  });
}
