import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const TOKEN = '/services/oauth2/token';

for (const kind of DB_KINDS) {
  describe(`client_credentials (${kind})`, () => {
    let s: TestServer;
    let clientId: string;
    let secret: string;
    let runAs: string;

    before(async () => {
      s = await startTestServer(kind);
      const u = await s.newUser();
      runAs = u.username;
      const { app, clientSecret } = await s.newApp({
        scopes: ['api', 'id', 'refresh_token'],
        clientCredentials: { enabled: true, runAs },
      });
      clientId = app.clientId;
      secret = clientSecret;
    });
    after(() => s.stop());

    test('client_secret_basic issues a Salesforce-shaped token response', async () => {
      const r = await s.form(
        TOKEN,
        { grant_type: 'client_credentials' },
        { authorization: basic(clientId, secret) },
      );
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(r.body.token_type, 'Bearer');
      assert.equal(r.body.scope, 'api id refresh_token');
      assert.equal(r.body.instance_url, s.url);
      assert.match(r.body.id, new RegExp(`^${s.url}/id/00D[A-Za-z0-9]{15}/005[A-Za-z0-9]{15}$`));
      assert.match(r.body.issued_at, /^\d{13}$/);
      assert.equal(r.body.expires_in, 7200);
      assert.equal(r.body.refresh_token, undefined, 'no refresh token (RFC 6749 §4.4.3)');
      const expected = createHmac('sha256', secret)
        .update(r.body.id + r.body.issued_at)
        .digest('base64');
      assert.equal(r.body.signature, expected);
    });

    test('client_secret_post works and a narrower scope is honoured', async () => {
      const r = await s.form(TOKEN, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
        scope: 'api',
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.scope, 'api');
    });

    test('a scope beyond the app is invalid_scope', async () => {
      const r = await s.form(
        TOKEN,
        { grant_type: 'client_credentials', scope: 'api full' },
        {
          authorization: basic(clientId, secret),
        },
      );
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_scope');
    });

    test('wrong secret and unknown client answer the same 401 invalid_client with a challenge', async () => {
      const wrong = await s.form(
        TOKEN,
        { grant_type: 'client_credentials' },
        { authorization: basic(clientId, 'nope') },
      );
      const unknown = await s.form(
        TOKEN,
        { grant_type: 'client_credentials' },
        { authorization: basic('3MVG9nobody', 'nope') },
      );
      for (const r of [wrong, unknown]) {
        assert.equal(r.status, 401);
        assert.equal(r.body.error, 'invalid_client');
        assert.match(r.headers.get('www-authenticate') ?? '', /^Basic /);
        assert.equal(r.headers.get('cache-control'), 'no-store');
      }
      assert.deepEqual(wrong.body, unknown.body);
    });

    test('mixing client_secret_basic and client_secret_post is invalid_request', async () => {
      const r = await s.form(
        TOKEN,
        { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
        { authorization: basic(clientId, secret) },
      );
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_request');
    });

    test('no client authentication is 401 invalid_client', async () => {
      const r = await s.form(TOKEN, { grant_type: 'client_credentials', client_id: clientId });
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_client');
    });

    test('a parameter sent twice is invalid_request', async () => {
      const res = await fetch(s.url + TOKEN, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(clientId, secret),
        },
        body: 'grant_type=client_credentials&scope=api&scope=id',
      });
      const body = (await res.json()) as { error: string };
      assert.equal(res.status, 400);
      assert.equal(body.error, 'invalid_request');
    });

    test('an unknown grant type is unsupported_grant_type', async () => {
      const r = await s.form(TOKEN, { grant_type: 'password' }, { authorization: basic(clientId, secret) });
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'unsupported_grant_type');
    });

    test('a JSON body is invalid_request, not a 500 or 415', async () => {
      const res = await fetch(s.url + TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
    });

    test('an app without client credentials enabled is unauthorized_client', async () => {
      const { app, clientSecret } = await s.newApp({ scopes: ['api'] });
      const r = await s.form(
        TOKEN,
        { grant_type: 'client_credentials' },
        { authorization: basic(app.clientId, clientSecret) },
      );
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'unauthorized_client');
    });

    test('a percent-encoded client id and secret in Basic are decoded (RFC 6749 §2.3.1)', async () => {
      // Our ids and secrets have no reserved characters; encoding them must still work.
      const header = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${secret.replace(/A/g, '%41')}`).toString('base64')}`;
      const r = await s.form(TOKEN, { grant_type: 'client_credentials' }, { authorization: header });
      assert.equal(r.status, 200);
    });

    test('a malformed Basic header is 401 invalid_client', async () => {
      const r = await s.form(
        TOKEN,
        { grant_type: 'client_credentials' },
        { authorization: 'Basic !!!notbase64' },
      );
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_client');
    });
  });
}
