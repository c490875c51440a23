/**
 * A real client, unmodified: jsforce 3 logs in with the jwt-bearer grant
 * (`conn.authorize({ grant_type, assertion })`, clients.md §1.1), calls the
 * REST API, and re-runs the grant from its refreshFn after a 401. The
 * assertion is signed by jose with a key from generateSelfSigned (what
 * `s2s keys generate` writes). Also the exact request @salesforce/core sends
 * through jsforce's OAuth2.requestToken (clients.md §2.1).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { importPKCS8, SignJWT } from 'jose';
import { Connection, OAuth2 } from 'jsforce';
import { generateSelfSigned } from '../src/keys/x509.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { JWT_BEARER } from './assertions.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

// jsforce ignores NO_PROXY (clients.md gotcha 6).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

// jsforce retries some failures with backoff and can loop on 401s (clients.md gotchas 4, 5).
const LIMIT = { timeout: 20_000 };

for (const kind of DB_KINDS) {
  describe(`jsforce with the jwt-bearer grant (${kind})`, () => {
    let s: TestServer;
    let clientId: string;
    let username: string;
    let userId: string;
    let privateKeyPem: string;

    /** What an integration signs: RS256 with its PKCS#8 key, as in clients.md §1.1. */
    async function assertion(claims: Record<string, unknown> = {}): Promise<string> {
      const key = await importPKCS8(privateKeyPem, 'RS256');
      return new SignJWT({ iss: clientId, sub: username, aud: s.url, jti: randomUUID(), ...claims })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuedAt()
        .setExpirationTime('3m')
        .sign(key);
    }

    before(async () => {
      s = await startTestServer(kind);
      const pair = await generateSelfSigned({ cn: 'jsforce test', days: 1 });
      privateKeyPem = pair.privateKeyPem;
      const user = await s.newUser();
      ({ username } = user);
      userId = user.id;
      const { app } = await s.newApp({
        scopes: ['api', 'id'],
        certificates: [pair.certificatePem],
        permittedUsers: 'admin_approved',
      });
      clientId = app.clientId;
      const pre = await s.admin('POST', `/admin/v1/apps/${clientId}/preauthorizations`, { username });
      assert.equal(pre.status, 201, pre.text);
    });
    after(() => s.stop());

    test('conn.authorize with the JWT, then a REST call; a 401 re-runs the grant', LIMIT, async () => {
      let regrants = 0;
      const conn = new Connection({
        loginUrl: s.url,
        version: API_VERSION,
        refreshFn: (c, cb) => {
          regrants++;
          assertion()
            .then((a) => c.authorize({ grant_type: JWT_BEARER, assertion: a }))
            .then(
              () => cb(null, c.accessToken ?? undefined),
              (err: Error) => cb(err),
            );
        },
      });
      const info = await conn.authorize({ grant_type: JWT_BEARER, assertion: await assertion() });
      assert.equal(info.id, userId);
      assert.equal(info.organizationId, s.ctx.orgId);
      assert.equal(conn.instanceUrl, s.url);
      assert.equal(conn.refreshToken ?? undefined, undefined, 'no refresh token from an assertion grant');

      const root = await conn.request<Record<string, string>>(`/services/data/v${API_VERSION}/`);
      assert.equal(typeof root.sobjects, 'string');
      assert.equal(regrants, 0);

      // Revoke the session: jsforce sees a 401, runs refreshFn (a new JWT grant) and retries.
      const old = conn.accessToken as string;
      assert.equal((await s.form('/services/oauth2/revoke', { token: old })).status, 200);
      const again = await conn.request<Record<string, string>>(`/services/data/v${API_VERSION}/`);
      assert.equal(typeof again.sobjects, 'string');
      assert.equal(regrants, 1);
      assert.notEqual(conn.accessToken, old);
    });

    test(
      'the request @salesforce/core sends: exp in ms, aud with a trailing slash, through OAuth2.requestToken',
      LIMIT,
      async () => {
        const key = await importPKCS8(privateKeyPem, 'RS256');
        const now = Date.now();
        const jwt = await new SignJWT({ iss: clientId, sub: username, aud: `${s.url}/`, exp: now + 300 })
          .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
          .setIssuedAt(Math.floor(now / 1000))
          .sign(key);
        const res = await new OAuth2({ loginUrl: `${s.url}/` }).requestToken({
          grant_type: JWT_BEARER,
          assertion: jwt,
        });
        assert.equal(typeof res.access_token, 'string');
        assert.equal(res.instance_url, s.url);
      },
    );

    test('a refusal reaches jsforce as Error(name = error, message = error_description)', LIMIT, async () => {
      const conn = new Connection({ loginUrl: s.url, version: API_VERSION });
      const jwt = await assertion({ aud: 'https://elsewhere.example.com' });
      await assert.rejects(conn.authorize({ grant_type: JWT_BEARER, assertion: jwt }), (e: Error) => {
        assert.equal(e.name, 'invalid_grant');
        assert.equal(e.message, 'audience is invalid');
        return true;
      });
    });
  });
}
