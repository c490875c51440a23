/**
 * openid-client 6, unmodified, against a freshly started server (issue #7):
 * discovery from our metadata (OpenID and RFC 8414 documents), then
 * `clientCredentialsGrant`, `genericGrantRequest` for jwt-bearer,
 * `authorizationCodeGrant` and `refreshTokenGrant`, each with
 * `client_secret_basic` and `private_key_jwt`; and `fetchProtectedResource`
 * on the records API, including what it does with our 401.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importPKCS8, SignJWT } from 'jose';
import * as client from 'openid-client';
import { generateSelfSigned } from '../src/keys/x509.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { JWT_BEARER } from './assertions.ts';
import { Browser, CALLBACK, codeClient, formFields, signIn } from './authorize_flow.ts';
import { startTestServer, type TestServer } from './harness.ts';

const LIMIT = { timeout: 60_000 };
const insecure = { execute: [client.allowInsecureRequests] };

type Auth = 'client_secret_basic' | 'private_key_jwt';

describe('openid-client 6 compatibility (issue #7)', () => {
  let s: TestServer;
  let pair: Awaited<ReturnType<typeof generateSelfSigned>>;
  let key: CryptoKey;

  before(async () => {
    s = await startTestServer('sqlite');
    pair = await generateSelfSigned({ cn: 'openid-client', days: 1 });
    key = (await importPKCS8(pair.privateKeyPem, 'RS256')) as CryptoKey;
  });
  after(() => s.stop());

  /** An app that can use every grant here, with a run-as user, a certificate and a pre-authorized user. */
  async function setup() {
    const user = await s.newUser();
    const { app, clientSecret } = await s.newApp({
      scopes: ['api', 'refresh_token'],
      certificates: [pair.certificatePem],
      clientCredentials: { enabled: true, runAs: user.username },
      permittedUsers: 'admin_approved',
      callbackUrls: [CALLBACK],
    });
    const pre = await s.admin('POST', `/admin/v1/apps/${app.clientId}/preauthorizations`, {
      username: user.username,
    });
    assert.equal(pre.status, 201, pre.text);
    return { user, app, clientSecret };
  }

  async function configure(clientId: string, secret: string, auth: Auth, algorithm?: 'oauth2') {
    const clientAuth =
      auth === 'client_secret_basic' ? client.ClientSecretBasic(secret) : client.PrivateKeyJwt(key);
    return client.discovery(new URL(s.url), clientId, undefined, clientAuth, { ...insecure, algorithm });
  }

  test('discovery: the issuer and endpoints from both metadata documents', LIMIT, async () => {
    const { app, clientSecret } = await setup();
    for (const algorithm of [undefined, 'oauth2'] as const) {
      const cfg = await configure(app.clientId, clientSecret, 'client_secret_basic', algorithm);
      const meta = cfg.serverMetadata();
      assert.equal(meta.issuer, s.url);
      assert.equal(meta.token_endpoint, `${s.url}/services/oauth2/token`);
      assert.ok(meta.token_endpoint_auth_methods_supported?.includes('private_key_jwt'));
    }
  });

  for (const auth of ['client_secret_basic', 'private_key_jwt'] as const) {
    test(`clientCredentialsGrant (${auth}), then the records API`, LIMIT, async () => {
      const { user, app, clientSecret } = await setup();
      const cfg = await configure(app.clientId, clientSecret, auth);
      const t = await client.clientCredentialsGrant(cfg, { scope: 'api' });
      assert.equal(t.token_type, 'bearer');
      assert.equal(t.instance_url, s.url, 'Salesforce fields pass through');
      assert.equal(t.id, `${s.url}/id/${s.ctx.orgId}/${user.id}`);

      const base = `${t.instance_url}/services/data/v${API_VERSION}`;
      const created = await client.fetchProtectedResource(
        cfg,
        t.access_token,
        new URL(`${base}/sobjects/Account`),
        'POST',
        JSON.stringify({ Name: `Made with ${auth}` }),
        new Headers({ 'content-type': 'application/json' }),
      );
      assert.equal(created.status, 201);
      const q = await client.fetchProtectedResource(
        cfg,
        t.access_token,
        new URL(
          `${base}/query?q=${encodeURIComponent(`SELECT Name, CreatedById FROM Account WHERE Name = 'Made with ${auth}'`)}`,
        ),
        'GET',
      );
      const body = (await q.json()) as { totalSize: number; records: { CreatedById: string }[] };
      assert.equal(body.totalSize, 1);
      assert.equal(body.records[0]!.CreatedById, user.id);
      const limits = await client.fetchProtectedResource(
        cfg,
        t.access_token,
        new URL(`${base}/limits`),
        'GET',
      );
      assert.equal(limits.status, 200);
      assert.equal(
        ((await limits.json()) as { DailyApiRequests: { Max: number } }).DailyApiRequests.Max,
        15000,
      );
    });

    test(`genericGrantRequest for jwt-bearer (${auth})`, LIMIT, async () => {
      const { user, app, clientSecret } = await setup();
      const cfg = await configure(app.clientId, clientSecret, auth);
      const assertion = await new SignJWT({ iss: app.clientId, sub: user.username, aud: s.url })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuedAt()
        .setExpirationTime('3m')
        .sign(key);
      const t = await client.genericGrantRequest(cfg, JWT_BEARER, { assertion });
      assert.equal(t.token_type, 'bearer');
      assert.equal(t.id, `${s.url}/id/${s.ctx.orgId}/${user.id}`);
      assert.equal(t.refresh_token, undefined);
    });

    test(`authorizationCodeGrant with PKCE, then refreshTokenGrant twice (${auth})`, LIMIT, async () => {
      const c = await codeClient(s, { app: { certificates: [pair.certificatePem] } });
      const cfg = await configure(c.app.clientId, c.secret, auth);
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(cfg, {
        redirect_uri: CALLBACK,
        scope: 'api refresh_token',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'st-1',
      });
      const browser = new Browser(s.url);
      const signedIn = await signIn(browser, await browser.get(url.pathname + url.search), c.user.username);
      let page = await browser.get(signedIn.location!);
      page = await browser.post('/services/oauth2/authorize/consent', {
        ...formFields(page.text, '/services/oauth2/authorize/consent'),
        decision: 'allow',
      });
      const first = await client.authorizationCodeGrant(cfg, new URL(page.location!), {
        pkceCodeVerifier: verifier,
        expectedState: 'st-1',
      });
      assert.ok(first.refresh_token);

      // Rotation (the default): each refresh returns a new refresh token, which the app keeps.
      let refreshToken = first.refresh_token;
      for (let i = 0; i < 2; i++) {
        const t = await client.refreshTokenGrant(cfg, refreshToken);
        assert.equal(t.token_type, 'bearer');
        assert.ok(t.refresh_token && t.refresh_token !== refreshToken, 'rotated');
        assert.equal(t.instance_url, s.url, 'a refresh answers instance_url and id too');
        assert.equal(t.id, `${s.url}/id/${s.ctx.orgId}/${c.user.id}`);
        const res = await client.fetchProtectedResource(
          cfg,
          t.access_token,
          new URL(`${s.url}/services/data/v${API_VERSION}/sobjects`),
          'GET',
        );
        assert.equal(res.status, 200);
        refreshToken = t.refresh_token;
      }
    });
  }

  test(
    'a 401 carries WWW-Authenticate, so fetchProtectedResource throws; the app re-runs the grant',
    LIMIT,
    async () => {
      const { app, clientSecret } = await setup();
      const cfg = await configure(app.clientId, clientSecret, 'client_secret_basic');
      const t = await client.clientCredentialsGrant(cfg);
      assert.equal((await s.form('/services/oauth2/revoke', { token: t.access_token })).status, 200);
      const url = new URL(`${s.url}/services/data/v${API_VERSION}/limits`);
      await assert.rejects(client.fetchProtectedResource(cfg, t.access_token, url, 'GET'), (e: unknown) => {
        assert.ok(e instanceof client.WWWAuthenticateChallengeError);
        assert.equal(e.response.status, 401);
        assert.equal(e.cause[0]?.parameters.error, 'invalid_token');
        return true;
      });
      const again = await client.clientCredentialsGrant(cfg);
      assert.equal((await client.fetchProtectedResource(cfg, again.access_token, url, 'GET')).status, 200);
    },
  );
});
