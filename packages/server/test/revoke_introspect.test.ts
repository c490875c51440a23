// Revocation (RFC 7009) and introspection (RFC 7662) of both access-token
// formats, seen through the protected API as a real client would.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, importPKCS8, SignJWT } from 'jose';
import { generateSelfSigned } from '../src/keys/x509.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const REVOKE = '/services/oauth2/revoke';
const INTROSPECT = '/services/oauth2/introspect';
const ROOT = `/services/data/v${API_VERSION}/`;
const INVALID_SESSION = '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]';

interface Client {
  clientId: string;
  secret: string;
  username: string;
  mint(): Promise<string>;
}

async function newClient(s: TestServer, format: 'opaque' | 'jwt'): Promise<Client> {
  const user = await s.newUser();
  const { app, clientSecret } = await s.newApp({
    scopes: ['api', 'id'],
    clientCredentials: { enabled: true, runAs: user.username },
    accessToken: { format, ttlSeconds: 600 },
  });
  return {
    clientId: app.clientId,
    secret: clientSecret,
    username: user.username,
    async mint() {
      const r = await s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(app.clientId, clientSecret) },
      );
      assert.equal(r.status, 200, r.text);
      return r.body.access_token;
    },
  };
}

for (const kind of DB_KINDS) {
  describe(`revoke and introspect (${kind})`, () => {
    let s: TestServer;
    let clock = Math.floor(Date.now() / 1000) * 1000;
    let opaque: Client;
    let jwt: Client;
    let other: Client;

    const api = (token: string) => s.get(ROOT, { authorization: `Bearer ${token}` });
    const introspect = (c: Client, token: string) =>
      s.form(INTROSPECT, { token }, { authorization: basic(c.clientId, c.secret) });
    async function assertApiRefuses(token: string) {
      const r = await api(token);
      assert.equal(r.status, 401);
      assert.equal(r.text, INVALID_SESSION);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="s2s-oauth", error="invalid_token"');
    }

    before(async () => {
      s = await startTestServer(kind, { now: () => clock });
      opaque = await newClient(s, 'opaque');
      jwt = await newClient(s, 'jwt');
      other = await newClient(s, 'opaque');
    });
    after(() => s.stop());

    describe('revoke (RFC 7009)', () => {
      test('revoking an opaque token (no client auth, as Salesforce) ends it at the API', async () => {
        const token = await opaque.mint();
        const keep = await opaque.mint();
        assert.equal((await api(token)).status, 200);
        const r = await s.form(REVOKE, { token });
        assert.equal(r.status, 200);
        assert.equal(r.text, '');
        assert.equal(r.headers.get('cache-control'), 'no-store');
        await assertApiRefuses(token);
        assert.equal((await api(keep)).status, 200, 'only the revoked token ends');
      });

      test('revoking a JWT token with its client`s Basic credentials ends it at the API', async () => {
        const token = await jwt.mint();
        assert.equal((await api(token)).status, 200);
        const r = await s.form(REVOKE, { token }, { authorization: basic(jwt.clientId, jwt.secret) });
        assert.equal(r.status, 200);
        await assertApiRefuses(token);
      });

      test('client_secret_post credentials work too, and revoking twice is still 200', async () => {
        const token = await opaque.mint();
        for (let i = 0; i < 2; i++) {
          const r = await s.form(REVOKE, { token, client_id: opaque.clientId, client_secret: opaque.secret });
          assert.equal(r.status, 200);
        }
        await assertApiRefuses(token);
      });

      test('an unknown or malformed token is 200 (RFC 7009 §2.2)', async () => {
        for (const token of ['00D000000000000!nothing', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.']) {
          assert.equal((await s.form(REVOKE, { token })).status, 200, token);
          const authed = await s.form(
            REVOKE,
            { token },
            { authorization: basic(other.clientId, other.secret) },
          );
          assert.equal(authed.status, 200, token);
        }
      });

      test("a client revoking another client's token is 400 unauthorized_client; the token lives on", async () => {
        for (const c of [opaque, jwt]) {
          const token = await c.mint();
          const r = await s.form(REVOKE, { token }, { authorization: basic(other.clientId, other.secret) });
          assert.equal(r.status, 400);
          assert.deepEqual(r.body, {
            error: 'unauthorized_client',
            error_description: 'the token was not issued to this client',
          });
          assert.equal((await api(token)).status, 200);
        }
      });

      test('wrong client credentials are 401 invalid_client; the token lives on', async () => {
        const token = await opaque.mint();
        const r = await s.form(REVOKE, { token }, { authorization: basic(opaque.clientId, 'wrong') });
        assert.equal(r.status, 401);
        assert.deepEqual(r.body, {
          error: 'invalid_client',
          error_description: 'invalid client credentials',
        });
        assert.equal(r.headers.get('www-authenticate'), 'Basic realm="s2s-oauth", error="invalid_client"');
        const post = await s.form(REVOKE, { token, client_id: opaque.clientId, client_secret: 'wrong' });
        assert.equal(post.status, 401);
        assert.equal(post.body.error, 'invalid_client');
        assert.equal((await api(token)).status, 200);
      });

      test('a missing token is 400 invalid_request', async () => {
        const r = await s.form(REVOKE, {});
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, { error: 'invalid_request', error_description: 'token is missing' });
      });
    });

    describe('introspect (RFC 7662)', () => {
      test('an active opaque token: its fields', async () => {
        const token = await opaque.mint();
        const r = await introspect(opaque, token);
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('cache-control'), 'no-store');
        const iat = Math.floor(clock / 1000);
        const b = r.body;
        assert.equal(b.active, true);
        assert.equal(b.scope, 'api id');
        assert.equal(b.client_id, opaque.clientId);
        assert.equal(b.username, opaque.username);
        assert.match(b.sub, new RegExp(`^${s.url}/id/${s.ctx.orgId}/005[A-Za-z0-9]{15}$`));
        assert.equal(b.user_id, b.sub.split('/').at(-1));
        assert.equal(b.token_type, 'access_token');
        assert.equal(b.iat, iat);
        assert.equal(b.nbf, iat);
        assert.equal(b.exp, iat + 600);
        assert.equal(b.iss, s.url);
      });

      test('an active JWT token: exp and iat match its claims', async () => {
        const token = await jwt.mint();
        const r = await introspect(jwt, token);
        assert.equal(r.body.active, true);
        const claims = decodeJwt(token);
        assert.equal(r.body.exp, claims.exp);
        assert.equal(r.body.iat, claims.iat);
        assert.equal(r.body.client_id, claims.client_id);
        assert.equal(r.body.user_id, claims.sub);
      });

      test('revoked, another app`s and unknown tokens are exactly {"active":false}', async () => {
        const revoked = await opaque.mint();
        await s.form(REVOKE, { token: revoked });
        const revokedJwt = await jwt.mint();
        await s.form(REVOKE, { token: revokedJwt });
        const cases: [Client, string][] = [
          [opaque, revoked],
          [jwt, revokedJwt],
          [other, await opaque.mint()],
          [other, await jwt.mint()],
          [opaque, '00D000000000000!nothing'],
          [opaque, 'a.b.c'],
        ];
        for (const [c, token] of cases) {
          const r = await introspect(c, token);
          assert.equal(r.status, 200);
          assert.equal(r.text, '{"active":false}');
        }
      });

      test('expired tokens are {"active":false} once the clock passes exp', async () => {
        const a = await opaque.mint();
        const b = await jwt.mint();
        clock += 600 * 1000;
        assert.equal((await introspect(opaque, a)).text, '{"active":false}');
        assert.equal((await introspect(jwt, b)).text, '{"active":false}');
      });

      test('a token of a deactivated user is {"active":false}', async () => {
        const c = await newClient(s, 'opaque');
        const token = await c.mint();
        assert.equal((await introspect(c, token)).body.active, true);
        const user = (await s.ctx.store.users.findByUsername(c.username))!;
        await s.ctx.store.users.update({ ...user, active: false });
        assert.equal((await introspect(c, token)).text, '{"active":false}');
      });

      test('no client authentication is 401 invalid_client (RFC 7662 §2.1)', async () => {
        const token = await opaque.mint();
        const variants: Record<string, string>[] = [{ token }, { token, client_id: opaque.clientId }];
        for (const params of variants) {
          const r = await s.form(INTROSPECT, params);
          assert.equal(r.status, 401);
          assert.deepEqual(r.body, {
            error: 'invalid_client',
            error_description: 'client authentication is required',
          });
          assert.equal(r.headers.get('cache-control'), 'no-store');
        }
        const wrong = await s.form(INTROSPECT, { token }, { authorization: basic(opaque.clientId, 'wrong') });
        assert.equal(wrong.status, 401);
        assert.equal(wrong.body.error, 'invalid_client');
      });

      test('private_key_jwt client authentication works here too, as the metadata advertises', async () => {
        const pair = await generateSelfSigned({ cn: 'introspecting client', days: 1 });
        const user = await s.newUser();
        const { app } = await s.newApp({
          scopes: ['api'],
          certificates: [pair.certificatePem],
          clientCredentials: { enabled: true, runAs: user.username },
        });
        const key = await importPKCS8(pair.privateKeyPem, 'RS256');
        const assertion = () => {
          const iat = Math.floor(clock / 1000);
          return new SignJWT({ jti: randomUUID() })
            .setProtectedHeader({ alg: 'RS256' })
            .setIssuer(app.clientId)
            .setSubject(app.clientId)
            .setAudience(s.url)
            .setIssuedAt(iat)
            .setExpirationTime(iat + 60)
            .sign(key);
        };
        const auth = async () => ({
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: await assertion(),
        });
        const minted = await s.form('/services/oauth2/token', {
          grant_type: 'client_credentials',
          ...(await auth()),
        });
        assert.equal(minted.status, 200, minted.text);
        const token = minted.body.access_token;
        const info = await s.form(INTROSPECT, { token, ...(await auth()) });
        assert.equal(info.status, 200);
        assert.equal(info.body.active, true);
        assert.equal(info.body.client_id, app.clientId);
        const revoked = await s.form(REVOKE, { token, ...(await auth()) });
        assert.equal(revoked.status, 200);
        await assertApiRefuses(token);
      });

      test('a missing token is 400 invalid_request', async () => {
        const r = await s.form(INTROSPECT, {}, { authorization: basic(opaque.clientId, opaque.secret) });
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, { error: 'invalid_request', error_description: 'token is missing' });
      });
    });
  });
}
