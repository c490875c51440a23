/**
 * private_key_jwt client authentication (RFC 7523 §2.2, §3; rfc7523bis §4;
 * OIDC Core §9) at the token, introspection and revocation endpoints, over
 * HTTP on both stores. Every refusal is 401 invalid_client and writes no token.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CLIENT_ASSERTION_TYPE,
  drainTokens,
  FROZEN_NOW,
  grantAssertion,
  JWT_BEARER,
  type JwtApp,
  jwtApp,
  makeKey,
  type SignOptions,
  signJwt,
  type TestKey,
  TOKEN_PATH,
} from './assertions.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const NOW_S = FROZEN_NOW / 1000;

for (const kind of DB_KINDS) {
  describe(`private_key_jwt client authentication (${kind})`, () => {
    let s: TestServer;
    let key: TestKey;
    let a: JwtApp;
    let other: JwtApp;

    /** A client assertion for `app`; `claims` override or add. */
    const clientAssertion = (app: JwtApp, claims: Record<string, unknown> = {}, o: SignOptions = {}) =>
      signJwt(
        {
          iss: app.clientId,
          sub: app.clientId,
          aud: s.url,
          jti: randomUUID(),
          iat: NOW_S,
          exp: NOW_S + 60,
          ...claims,
        },
        app.key,
        o,
      );
    const auth = (assertion: string) => ({
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    const cc = (assertion: string, extra: Record<string, string> = {}) =>
      s.form(TOKEN_PATH, { grant_type: 'client_credentials', ...auth(assertion), ...extra });

    before(async () => {
      s = await startTestServer(kind, { now: () => FROZEN_NOW });
      key = await makeKey('ec256');
      const runAs = (await s.newUser()).username;
      const ccApp = { clientCredentials: { enabled: true, runAs } };
      a = await jwtApp(s, key, { app: { ...ccApp, permittedUsers: 'all_users' } });
      other = await jwtApp(s, await makeKey('rsa'), { app: { ...ccApp, permittedUsers: 'all_users' } });
    });
    after(() => s.stop());

    test('client_credentials with private_key_jwt: 200, no Salesforce signature (no secret)', async () => {
      const r = await cc(clientAssertion(a));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.signature, undefined);
    });

    test('a client_id that matches the assertion is fine', async () => {
      assert.equal((await cc(clientAssertion(a), { client_id: a.clientId })).status, 200);
    });

    test('typ client-authentication+jwt and aud as a one-member array are accepted', async () => {
      const r = await cc(
        clientAssertion(a, { aud: [s.url] }, { header: { typ: 'client-authentication+jwt' } }),
      );
      assert.equal(r.status, 200, r.text);
    });

    test('introspection and revocation accept private_key_jwt', async () => {
      const t = (await cc(clientAssertion(a))).body.access_token as string;
      const live = await s.form('/services/oauth2/introspect', { token: t, ...auth(clientAssertion(a)) });
      assert.equal(live.status, 200, live.text);
      assert.equal(live.body.active, true);
      const revoke = await s.form('/services/oauth2/revoke', { token: t, ...auth(clientAssertion(a)) });
      assert.equal(revoke.status, 200, revoke.text);
      const dead = await s.form('/services/oauth2/introspect', { token: t, ...auth(clientAssertion(a)) });
      assert.equal(dead.body.active, false);
    });

    test('the jwt-bearer grant can be sent with private_key_jwt of the same app', async () => {
      const b = await jwtApp(s, key);
      const r = await s.form(TOKEN_PATH, {
        grant_type: JWT_BEARER,
        assertion: grantAssertion(s, b),
        ...auth(clientAssertion(b)),
      });
      assert.equal(r.status, 200, r.text);
    });

    test('the token endpoint URL as aud only when the app opts in', async () => {
      const aud = `${s.url}${TOKEN_PATH}`;
      assert.equal((await cc(clientAssertion(a, { aud }))).status, 401);
      const patch = await s.admin('PATCH', `/admin/v1/apps/${a.clientId}`, {
        assertion: { allowTokenEndpointAudience: true },
      });
      assert.equal(patch.status, 200, patch.text);
      assert.equal((await cc(clientAssertion(a, { aud }))).status, 200);
      assert.equal((await cc(clientAssertion(a, { aud: [s.url, aud] }))).status, 401, 'never two values');
      await s.admin('PATCH', `/admin/v1/apps/${a.clientId}`, {
        assertion: { allowTokenEndpointAudience: false },
      });
    });

    test('replay: the same client assertion twice', async () => {
      const ca = clientAssertion(a);
      assert.equal((await cc(ca)).status, 200);
      const again = await cc(ca);
      assert.equal(again.status, 401);
      assert.deepEqual(again.body, {
        error: 'invalid_client',
        error_description: 'client assertion jti already in use',
      });
    });

    const refusals: { name: string; make: () => Record<string, string>; desc?: string }[] = [
      { name: 'no jti', make: () => auth(clientAssertion(a, { jti: undefined })) },
      { name: 'sub is a user, not the client', make: () => auth(clientAssertion(a, { sub: a.username })) },
      { name: 'iss is another app', make: () => auth(clientAssertion(a, { iss: other.clientId })) },
      { name: 'signed by another app’s key', make: () => auth(clientAssertion({ ...a, key: other.key })) },
      {
        name: 'client_id names another app',
        make: () => ({ ...auth(clientAssertion(a)), client_id: other.clientId }),
      },
      {
        name: 'unknown client',
        make: () => auth(clientAssertion({ ...a, clientId: '3MVG9nobody' })),
        desc: 'invalid client credentials',
      },
      {
        name: 'aud is the issuer with a trailing slash',
        make: () => auth(clientAssertion(a, { aud: `${s.url}/` })),
        desc: 'client assertion audience must be the issuer identifier',
      },
      {
        name: 'expired',
        make: () => auth(clientAssertion(a, { iat: NOW_S - 300, exp: NOW_S - 61 })),
        desc: 'client assertion has expired',
      },
      {
        name: 'lifetime over 300 s',
        make: () => auth(clientAssertion(a, { exp: NOW_S + 301 })),
        desc: 'client assertion lifetime exceeds 300 seconds (exp - iat, or exp - now)',
      },
      { name: 'a grant assertion used as a client assertion', make: () => auth(grantAssertion(s, a)) },
      {
        name: 'HS256',
        make: () => auth(clientAssertion(a, {}, { alg: 'HS256', hmacSecret: a.clientSecret })),
      },
      { name: 'alg none', make: () => auth(clientAssertion(a, {}, { alg: 'none' })) },
      { name: 'typ at+jwt', make: () => auth(clientAssertion(a, {}, { header: { typ: 'at+jwt' } })) },
    ];

    for (const row of refusals) {
      test(`401 invalid_client, no token: ${row.name}`, async () => {
        const params = row.make();
        await drainTokens(s);
        const r = await s.form(TOKEN_PATH, { grant_type: 'client_credentials', ...params });
        assert.equal(r.status, 401, r.text);
        assert.equal(r.body.error, 'invalid_client');
        assert.equal(r.body.error_description, row.desc ?? 'client assertion is invalid');
        assert.ok(r.headers.get('www-authenticate'));
        assert.equal(await drainTokens(s), 0);
      });
    }

    test('a wrong client_assertion_type is invalid_request', async () => {
      const r = await cc(clientAssertion(a), { client_assertion_type: 'urn:x' });
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_request');
    });

    test('client_assertion together with client_secret is invalid_request (RFC 6749 §2.3)', async () => {
      const r = await cc(clientAssertion(a), { client_id: a.clientId, client_secret: a.clientSecret });
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_request');
    });

    test('a failed private_key_jwt is audited under the claimed client id', async () => {
      await cc(clientAssertion(a, { sub: 'x' }));
      const r = await s.admin(
        'GET',
        `/admin/v1/audit?clientId=${encodeURIComponent(a.clientId)}&result=failure`,
      );
      assert.ok(r.body.some((e: { errorCode: string }) => e.errorCode === 'invalid_client'));
    });
  });
}
