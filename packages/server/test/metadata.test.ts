// Discovery (RFC 8414, OpenID Connect Discovery 1.0) and the JWKS: every
// advertised endpoint answers, and a JWT access token verifies against the
// published keys with an independent verifier (jose's remote JWKS).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateSigningKey } from '../src/keys/key_ring.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const WELL_KNOWN = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

async function jwtClient(s: TestServer) {
  const user = await s.newUser();
  const { app, clientSecret } = await s.newApp({
    scopes: ['api', 'id'],
    clientCredentials: { enabled: true, runAs: user.username },
    accessToken: { format: 'jwt', ttlSeconds: 300 },
  });
  const mint = async (): Promise<string> => {
    const r = await s.form(
      '/services/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(app.clientId, clientSecret) },
    );
    assert.equal(r.status, 200, r.text);
    return r.body.access_token;
  };
  return { app, clientSecret, user, mint };
}

for (const kind of DB_KINDS) {
  describe(`metadata and JWKS (${kind})`, () => {
    let s: TestServer;
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document inspected field by field
    let meta: any;

    before(async () => {
      s = await startTestServer(kind);
      meta = (await s.get(WELL_KNOWN[0]!)).body;
    });
    after(() => s.stop());

    test('both discovery documents are the same and name this server as issuer', async () => {
      for (const path of WELL_KNOWN) {
        const r = await s.get(path);
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
        assert.deepEqual(r.body, meta);
      }
      assert.equal(meta.issuer, s.url);
      assert.equal(meta.token_endpoint, `${s.url}/services/oauth2/token`);
      assert.equal(meta.revocation_endpoint, `${s.url}/services/oauth2/revoke`);
      assert.equal(meta.introspection_endpoint, `${s.url}/services/oauth2/introspect`);
      assert.equal(meta.userinfo_endpoint, `${s.url}/services/oauth2/userinfo`);
      assert.equal(meta.jwks_uri, `${s.url}/id/keys`);
    });

    test('every advertised endpoint answers (none is a missing route or a 5xx)', async () => {
      const urls = Object.entries(meta).filter(([k]) => k.endsWith('_endpoint') || k === 'jwks_uri');
      assert.ok(urls.length >= 5);
      for (const [key, url] of urls) {
        assert.ok(String(url).startsWith(`${s.url}/`), key);
        const get = await fetch(String(url));
        const post = await fetch(String(url), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: '',
        });
        assert.ok(get.status !== 404 || post.status !== 404, `${key} has no route`);
        assert.ok(get.status < 500 && post.status < 500, `${key} failed`);
      }
    });

    test('each endpoint answers as its protocol says when called without credentials', async () => {
      const token = await s.form(new URL(meta.token_endpoint).pathname, {});
      assert.equal(token.status, 400);
      assert.deepEqual(token.body, { error: 'invalid_request', error_description: 'grant_type is missing' });
      const revoke = await s.form(new URL(meta.revocation_endpoint).pathname, {});
      assert.equal(revoke.status, 400);
      assert.equal(revoke.body.error, 'invalid_request');
      const introspect = await s.form(new URL(meta.introspection_endpoint).pathname, { token: 'x' });
      assert.equal(introspect.status, 401);
      assert.equal(introspect.body.error, 'invalid_client');
      const userinfo = await s.get(new URL(meta.userinfo_endpoint).pathname);
      assert.equal(userinfo.status, 401);
      assert.equal(
        userinfo.text,
        '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]',
      );
      assert.equal(userinfo.headers.get('www-authenticate'), 'Bearer realm="s2s-oauth"');
    });

    test('advertised grant types and client authentication methods work', async () => {
      assert.ok(meta.grant_types_supported.includes('client_credentials'));
      for (const gt of meta.grant_types_supported as string[]) {
        const r = await s.form('/services/oauth2/token', { grant_type: gt });
        assert.notEqual(r.body.error, 'unsupported_grant_type', gt);
      }
      const { app, clientSecret } = await jwtClient(s);
      assert.ok(meta.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
      assert.ok(meta.token_endpoint_auth_methods_supported.includes('client_secret_post'));
      const viaBasic = await s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(app.clientId, clientSecret) },
      );
      assert.equal(viaBasic.status, 200);
      const viaPost = await s.form('/services/oauth2/token', {
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: clientSecret,
      });
      assert.equal(viaPost.status, 200);
      // `none` at the revocation endpoint: the holder of a token may revoke it.
      assert.ok(meta.revocation_endpoint_auth_methods_supported.includes('none'));
      assert.equal(
        (await s.form('/services/oauth2/revoke', { token: viaPost.body.access_token })).status,
        200,
      );
      assert.ok(!meta.introspection_endpoint_auth_methods_supported.includes('none'));
    });

    test('scopes_supported names the scopes the resource server checks', async () => {
      for (const scope of ['api', 'full', 'id', 'openid', 'profile', 'email']) {
        assert.ok(meta.scopes_supported.includes(scope), scope);
      }
    });

    test('claims_supported are claims userinfo actually returns', async () => {
      const user = await s.newUser({ email: 'c@example.com', firstName: 'C', lastName: 'D' });
      const { app, clientSecret } = await s.newApp({
        scopes: ['openid'],
        clientCredentials: { enabled: true, runAs: user.username },
      });
      const t = await s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(app.clientId, clientSecret) },
      );
      const info = await s.get(new URL(meta.userinfo_endpoint).pathname, {
        authorization: `Bearer ${t.body.access_token}`,
      });
      assert.equal(info.status, 200);
      for (const claim of meta.claims_supported as string[]) assert.ok(claim in info.body, claim);
    });

    test('/id/keys publishes public keys only, with kid, alg and use', async () => {
      const r = await s.get('/id/keys');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('cache-control'), 'public, max-age=300');
      assert.ok(r.body.keys.length >= 1);
      for (const k of r.body.keys) {
        assert.ok(['EC', 'RSA'].includes(k.kty));
        assert.equal(typeof k.kid, 'string');
        assert.ok(['ES256', 'RS256'].includes(k.alg));
        assert.equal(k.use, 'sig');
        for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(k[priv], undefined, priv);
      }
    });

    test('a JWT access token verifies against jwks_uri with jose (typ at+jwt, RFC 9068)', async () => {
      const { app, user, mint } = await jwtClient(s);
      const token = await mint();
      const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: meta.issuer,
        audience: meta.issuer,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
      });
      assert.equal(protectedHeader.typ, 'at+jwt');
      assert.equal(payload.sub, user.id);
      assert.equal(payload.client_id, app.clientId);
      assert.equal(payload.scope, 'api id');
      assert.equal(typeof payload.jti, 'string');
      assert.equal(payload.exp! - payload.iat!, 300);
    });

    test('key rotation: both keys are published and honoured; a retired key is dropped and its tokens refused', async () => {
      const t = await startTestServer(kind);
      try {
        const { mint } = await jwtClient(t);
        const call = (tok: string) =>
          t.get(`/services/data/v${API_VERSION}/`, { authorization: `Bearer ${tok}` });
        const oldToken = await mint();
        const oldKid = decodeProtectedHeader(oldToken).kid!;
        await t.ctx.store.signingKeys.insert(generateSigningKey('RS256', Date.now() + 1));
        await t.ctx.keys.reload();
        const newToken = await mint();
        const header = decodeProtectedHeader(newToken);
        assert.equal(header.alg, 'RS256');
        assert.notEqual(header.kid, oldKid);

        const jwks = createRemoteJWKSet(new URL(`${t.url}/id/keys`));
        for (const tok of [oldToken, newToken]) {
          await jwtVerify(tok, jwks, { issuer: t.url, audience: t.url, typ: 'at+jwt' });
          assert.equal((await call(tok)).status, 200);
        }

        await t.ctx.store.signingKeys.retire(oldKid, Date.now());
        await t.ctx.keys.reload();
        const keys = (await t.get('/id/keys')).body.keys as { kid: string }[];
        assert.deepEqual(
          keys.map((k) => k.kid),
          [header.kid],
        );
        assert.equal((await call(oldToken)).status, 401);
        assert.equal((await call(newToken)).status, 200);
      } finally {
        await t.stop();
      }
    });
  });
}
