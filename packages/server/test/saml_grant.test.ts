/**
 * The saml2-bearer grant over real HTTP on both stores (RFC 7522 §2.1;
 * salesforce-flows.md §2): assertions from our client signer and from
 * independent signers, the token response, approval, scopes, `ext`, client
 * credentials sent alongside, the app's policies, and the audit trail.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createSamlBearerAssertion } from '../../client/src/index.ts';
import { sha256Hex } from '../src/domain/hashing.ts';
import { drainTokens, FROZEN_NOW, type JwtApp, jwtApp, makeKey, TOKEN_PATH } from './assertions.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import { ALG, assertionXml, encode, signByHand, signSamlify, signXmlCrypto } from './saml_fixtures.ts';
import { assertRefused, postAssertion, postXml, SAML2_BEARER, signedFor, specFor } from './saml_http.ts';

for (const kind of DB_KINDS) {
  describe(`saml2-bearer grant (${kind})`, () => {
    let s: TestServer;
    let a: JwtApp;
    before(async () => {
      s = await startTestServer(kind, { now: () => FROZEN_NOW });
      a = await jwtApp(s, await makeKey('rsa'));
    });
    after(() => s.stop());
    // assertRefused checks that no token was written since the last drain.
    beforeEach(() => drainTokens(s));

    test('an assertion from our client signer gets a Salesforce-shaped token, no refresh token', async () => {
      const made = createSamlBearerAssertion(
        {
          issuer: a.clientId,
          nameId: a.username,
          audience: s.url,
          recipient: s.url + TOKEN_PATH,
          lifetimeSeconds: 120,
          now: FROZEN_NOW,
        },
        { privateKey: a.key.privateKey, certificatePem: a.key.certificatePem },
      );
      const r = await postAssertion(s, made.assertion);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(r.body.token_type, 'Bearer');
      assert.equal(r.body.scope, 'api id refresh_token');
      assert.equal(r.body.instance_url, s.url);
      assert.match(r.body.id, new RegExp(`^${s.url}/id/00D\\w{15}/${a.userId}$`));
      assert.equal(r.body.refresh_token, undefined, 'the SAML bearer flow issues no refresh token');
      assert.equal(r.body.signature, undefined, 'no client secret, so no signature');
      const [event] = await s.ctx.store.audit.list({ grantType: SAML2_BEARER, limit: 1 });
      assert.equal(event?.result, 'success');
      assert.equal(event?.clientId, a.clientId);
      assert.equal(event?.username, a.username);
      assert.equal(event?.userId, a.userId);
      assert.equal(await drainTokens(s), 1);
    });

    test('assertions signed by samlify, by xml-crypto directly and by hand are accepted', async () => {
      for (const sign of [signSamlify, signXmlCrypto, signByHand]) {
        const r = await postXml(s, sign(assertionXml(specFor(s, a)), a.key));
        assert.equal(r.status, 200, `${sign.name}: ${r.text}`);
      }
    });

    test('standard base64 with padding is tolerated (percent-encoded in the form)', async () => {
      const r = await postAssertion(s, Buffer.from(signedFor(s, a)).toString('base64'));
      assert.equal(r.status, 200, r.text);
    });

    test('AttributeStatement values become the token ext', async () => {
      const r = await postXml(s, signedFor(s, a, { attributes: { department: 'Sales', roles: ['a', 'b'] } }));
      assert.equal(r.status, 200, r.text);
      const record = await s.ctx.store.accessTokens.findByHash(sha256Hex(r.body.access_token));
      assert.deepEqual(record?.ext, { department: 'Sales', roles: ['a', 'b'] });
    });

    test('more than 20 attributes are refused (same cap as the JWT flow)', async () => {
      const attributes = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`a${i}`, 'v']));
      await assertRefused(
        s,
        await postXml(s, signedFor(s, a, { attributes })),
        /more than 20 additional claims/,
      );
    });

    test('the scope parameter narrows; a wider one is invalid_scope', async () => {
      const narrow = await postXml(s, signedFor(s, a), { scope: 'api' });
      assert.equal(narrow.body.scope, 'api');
      await drainTokens(s);
      await assertRefused(
        s,
        await postXml(s, signedFor(s, a), { scope: 'api full' }),
        undefined,
        'invalid_scope',
      );
    });

    test('a missing assertion parameter is invalid_request', async () => {
      const r = await s.form(TOKEN_PATH, { grant_type: SAML2_BEARER });
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_request');
    });

    test('the same app authenticating with its secret is accepted (and gets a signature)', async () => {
      const withSecret = await postAssertion(
        s,
        encode(signedFor(s, a)),
        {},
        {
          authorization: basic(a.clientId, a.clientSecret),
        },
      );
      assert.equal(withSecret.status, 200, withSecret.text);
      assert.ok(withSecret.body.signature);
    });

    test('client credentials of another app, or a client_id naming one, are invalid_grant', async () => {
      const b = await jwtApp(s, a.key);
      const other = await postAssertion(
        s,
        encode(signedFor(s, a)),
        {},
        {
          authorization: basic(b.clientId, b.clientSecret),
        },
      );
      await assertRefused(s, other, /issued to another client/);
      await assertRefused(s, await postXml(s, signedFor(s, a), { client_id: b.clientId }), /another client/);
    });

    test('a wrong client secret alongside is 401 invalid_client', async () => {
      const r = await postAssertion(
        s,
        encode(signedFor(s, a)),
        {},
        { authorization: basic(a.clientId, 'nope') },
      );
      await assertRefused(s, r, undefined, 'invalid_client');
    });

    test('a NameID that is not a username, or names an inactive user, is invalid_grant', async () => {
      await assertRefused(
        s,
        await postXml(s, signedFor(s, a, { nameId: 'nobody@example.com' })),
        /not the username/,
      );
      await assertRefused(
        s,
        await postXml(s, signedFor(s, a, { nameId: a.username.toUpperCase() })),
        /not the username/,
      );
      const inactive = await jwtApp(s, a.key, { user: { active: false } });
      await assertRefused(s, await postXml(s, signedFor(s, inactive)), /inactive user/);
    });

    test('admin-approved app: a user not pre-authorized is invalid_app_access', async () => {
      const b = await jwtApp(s, a.key, { preauthorize: false });
      await assertRefused(s, await postXml(s, signedFor(s, b)), /not admin approved/, 'invalid_app_access');
    });

    test('self-authorized app: a prior approval with offline access is needed; its scopes are issued', async () => {
      const b = await jwtApp(s, a.key, {
        app: { permittedUsers: 'all_users' },
        preauthorize: false,
      });
      await assertRefused(s, await postXml(s, signedFor(s, b)), /hasn't approved this consumer/);
      const approval = await s.admin('POST', '/admin/v1/approvals', {
        clientId: b.clientId,
        username: b.username,
        scopes: ['api', 'refresh_token'],
      });
      assert.equal(approval.status, 201, approval.text);
      const r = await postXml(s, signedFor(s, b));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.scope, 'api refresh_token');
    });

    test("the app's maximum lifetime applies", async () => {
      const b = await jwtApp(s, a.key, { app: { assertion: { maxLifetimeSeconds: 60 } } });
      await assertRefused(s, await postXml(s, signedFor(s, b)), /lifetime exceeds 60 seconds/);
    });

    test('RSA-SHA1 only after the app allows it (assertion.allowSha1)', async () => {
      const sha1 = () =>
        signXmlCrypto(assertionXml(specFor(s, a)), a.key, {
          signatureAlgorithm: ALG.rsaSha1,
          digestAlgorithm: ALG.sha1,
        });
      await assertRefused(s, await postXml(s, sha1()), /rsa-sha1 is not allowed/);
      const patch = await s.admin('PATCH', `/admin/v1/apps/${a.clientId}`, {
        assertion: { allowSha1: true },
      });
      assert.equal(patch.status, 200, patch.text);
      assert.equal((await postXml(s, sha1())).status, 200);
      await s.admin('PATCH', `/admin/v1/apps/${a.clientId}`, { assertion: { allowSha1: false } });
    });

    test('a certificate outside its validity period verifies nothing', async () => {
      const expired = await makeKey('rsa', {
        notBefore: FROZEN_NOW - 86_400_000,
        notAfter: FROZEN_NOW - 1000,
      });
      const b = await jwtApp(s, expired);
      await assertRefused(s, await postXml(s, signedFor(s, b)), /certificates are expired or not yet valid/);
    });

    test('discovery lists the grant type', async () => {
      const r = await s.get('/.well-known/openid-configuration');
      assert.ok(r.body.grant_types_supported.includes(SAML2_BEARER), r.text);
    });
  });
}
