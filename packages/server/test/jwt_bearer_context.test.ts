/**
 * The jwt-bearer grant with its neighbours, over HTTP on both stores: client
 * credentials sent alongside (RFC 7521 §4.1), additional claims carried as
 * `ext` (introspection, JWT access tokens), the audit trail, and discovery.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import {
  FROZEN_NOW,
  grantAssertion,
  JWT_BEARER,
  type JwtApp,
  jwtApp,
  makeKey,
  type TestKey,
  TOKEN_PATH,
} from './assertions.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

for (const kind of DB_KINDS) {
  describe(`jwt-bearer grant in context (${kind})`, () => {
    let s: TestServer;
    let key: TestKey;
    let a: JwtApp;
    let other: JwtApp;
    const token = (assertion: string, extra: Record<string, string> = {}, headers?: Record<string, string>) =>
      s.form(TOKEN_PATH, { grant_type: JWT_BEARER, assertion, ...extra }, headers);

    before(async () => {
      s = await startTestServer(kind, { now: () => FROZEN_NOW });
      key = await makeKey('rsa');
      a = await jwtApp(s, key);
      other = await jwtApp(s, key);
    });
    after(() => s.stop());

    test("the app's client_id and secret alongside (as jsforce sends them): 200 with Salesforce's signature", async () => {
      const r = await token(grantAssertion(s, a), { client_id: a.clientId, client_secret: a.clientSecret });
      assert.equal(r.status, 200, r.text);
      const expected = createHmac('sha256', a.clientSecret)
        .update(r.body.id + r.body.issued_at)
        .digest('base64');
      assert.equal(r.body.signature, expected);
    });

    test('a wrong secret alongside is 401 invalid_client, even with a good assertion', async () => {
      const r = await token(grantAssertion(s, a), {}, { authorization: basic(a.clientId, 'wrong') });
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_client');
    });

    test("another app's good credentials alongside: invalid_grant (issued to another client)", async () => {
      const r = await token(
        grantAssertion(s, a),
        {},
        { authorization: basic(other.clientId, other.clientSecret) },
      );
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, {
        error: 'invalid_grant',
        error_description: 'the assertion was issued to another client',
      });
    });

    test('a client_id naming another app, without a secret: invalid_grant', async () => {
      const r = await token(grantAssertion(s, a), { client_id: other.clientId });
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_grant');
    });

    test('additional claims are returned by introspection under ext; registered ones are not', async () => {
      const ext = { tenant: 'acme', roles: ['reader', 'writer'], ctx: { region: 'eu' } };
      const r = await token(grantAssertion(s, a, { ...ext, nbf: FROZEN_NOW / 1000 - 1 }));
      assert.equal(r.status, 200, r.text);
      const i = await s.form(
        '/services/oauth2/introspect',
        { token: r.body.access_token },
        { authorization: basic(a.clientId, a.clientSecret) },
      );
      assert.equal(i.body.active, true);
      assert.deepEqual(i.body.ext, ext);
    });

    test('a JWT access token carries the additional claims as its ext claim', async () => {
      const j = await jwtApp(s, key, { app: { accessToken: { format: 'jwt' } } });
      const r = await token(grantAssertion(s, j, { tenant: 'acme' }));
      assert.equal(r.status, 200, r.text);
      const claims = decodeJwt(r.body.access_token);
      assert.deepEqual(claims.ext, { tenant: 'acme' });
      assert.equal(claims.client_id, j.clientId);
    });

    test('no additional claims: no ext', async () => {
      const r = await token(grantAssertion(s, a));
      const i = await s.form(
        '/services/oauth2/introspect',
        { token: r.body.access_token },
        { authorization: basic(a.clientId, a.clientSecret) },
      );
      assert.equal(i.body.ext, undefined);
    });

    test('every attempt is audited and attributed: success, refusal, unknown app', async () => {
      const b = await jwtApp(s, key);
      await token(grantAssertion(s, b));
      await token(grantAssertion(s, b, { aud: 'https://elsewhere.example' }));
      await token(grantAssertion(s, b, { sub: 'ghost@example.com' }));
      const r = await s.admin('GET', `/admin/v1/audit?clientId=${encodeURIComponent(b.clientId)}`);
      assert.equal(r.status, 200, r.text);
      const rows = (r.body as Record<string, unknown>[]).map((e) => ({
        username: e.username,
        userId: e.userId,
        grantType: e.grantType,
        result: e.result,
        errorCode: e.errorCode,
        errorDescription: e.errorDescription,
      }));
      const base = { grantType: JWT_BEARER };
      assert.deepEqual(
        rows.sort((x, y) => String(x.errorDescription).localeCompare(String(y.errorDescription))),
        [
          {
            ...base,
            username: b.username,
            userId: null,
            result: 'failure',
            errorCode: 'invalid_grant',
            errorDescription: 'audience is invalid',
          },
          {
            ...base,
            username: 'ghost@example.com',
            userId: null,
            result: 'failure',
            errorCode: 'invalid_grant',
            errorDescription: 'invalid assertion',
          },
          {
            ...base,
            username: b.username,
            userId: b.userId,
            result: 'success',
            errorCode: null,
            errorDescription: null,
          },
        ],
      );
      await token(grantAssertion(s, { ...b, clientId: '3MVG9unknown' }));
      const unknown = await s.admin('GET', '/admin/v1/audit?clientId=3MVG9unknown');
      assert.equal(unknown.body.length, 1);
      assert.equal(unknown.body[0].errorCode, 'invalid_client_id');
    });

    test('discovery lists the grant type, private_key_jwt and its algorithms', async () => {
      const m = (await s.get('/.well-known/openid-configuration')).body;
      assert.ok(m.grant_types_supported.includes(JWT_BEARER));
      assert.ok(m.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
      assert.ok(m.token_endpoint_auth_signing_alg_values_supported.includes('RS256'));
      assert.ok(
        !m.token_endpoint_auth_signing_alg_values_supported.some((x: string) => /^(HS|none)/i.test(x)),
      );
    });
  });
}
