/**
 * Every flow our server has, with every client authentication method it
 * accepts, through the client library: a token, then a call to the resource
 * server with it. Real HTTP on loopback, real keys, our real server.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type ClientAuthMethod, type CredentialConfig, createCredential, type Flow } from '../src/index.ts';
import {
  type AppSetup,
  jwtHeader,
  jwtPayload,
  type LittleServer,
  proxy,
  setUpApp,
  startTestServer,
  type TestServer,
  TOKEN_PATH,
  tokenRequests,
} from './helpers.ts';

const GRANT: Record<string, string> = {
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  saml2_bearer: 'urn:ietf:params:oauth:grant-type:saml2-bearer',
  client_credentials: 'client_credentials',
};

describe('flows × client authentication against our server', () => {
  let s: TestServer;
  let a: AppSetup;

  before(async () => {
    s = await startTestServer('sqlite');
    a = await setUpApp(s);
  });
  after(() => s.stop());

  function config(flow: Flow, method: ClientAuthMethod): CredentialConfig {
    return {
      name: `${flow}-${method}`,
      flow,
      issuer: s.url,
      tokenEndpoint: `${s.url}${TOKEN_PATH}`,
      clientId: a.clientId,
      clientAuthMethod: method,
      ...(method.startsWith('client_secret') ? { clientSecret: a.clientSecret } : {}),
      privateKey: a.key.privateKeyPem,
      certificate: a.key.certificatePem,
      subject: a.username,
    };
  }

  const cases: [Flow, ClientAuthMethod][] = [];
  for (const flow of ['jwt_bearer', 'saml2_bearer', 'client_credentials'] as Flow[]) {
    for (const method of ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const) {
      if (flow === 'client_credentials' && method === 'none') continue; // RFC 6749 §4.4.2
      cases.push([flow, method]);
    }
  }

  for (const [flow, method] of cases) {
    test(`${flow} with ${method}: a token for ${flow === 'client_credentials' ? 'the run-as user' : 'the subject'}, and an API call`, async () => {
      const before = (await tokenRequests(s, a.clientId)).length;
      const cred = createCredential(config(flow, method));
      const t = await cred.getToken();
      assert.equal(t.tokenType, 'Bearer');
      assert.equal(t.instanceUrl, s.url);
      assert.equal(t.scope, 'api id refresh_token');
      assert.ok(t.expiresAt! - t.obtainedAt === 7200_000, 'expires_in 7200 s');
      const r = await cred.fetch('/services/data/v62.0/');
      assert.equal(r.status, 200);
      const body = (await r.json()) as { identity: string };
      assert.equal(body.identity, t.id);
      const log = (await tokenRequests(s, a.clientId)).slice(before);
      assert.equal(log.length, 1);
      assert.equal(log[0]!.grantType, GRANT[flow]);
      assert.equal(log[0]!.result, 'success');
      assert.equal(log[0]!.username, a.username);
    });
  }

  test('the issuer alone is enough: the token endpoint is discovered (RFC 8414)', async () => {
    const { tokenEndpoint: _omit, ...rest } = config('client_credentials', 'client_secret_basic');
    const cred = createCredential(rest);
    const r = await cred.fetch('/services/data/v62.0/');
    assert.equal(r.status, 200);
  });
});

describe('what the client sends', () => {
  let s: TestServer;
  let a: AppSetup;
  let p: LittleServer;
  let target = '';
  // One clock for the server and the client, moved forward to expire tokens.
  let clock = Date.now();

  before(async () => {
    // The server's public URL is the proxy's, so every request and every audience goes through it.
    p = await proxy(() => target);
    s = await startTestServer('sqlite', { config: { issuer: p.url }, now: () => clock });
    target = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    a = await setUpApp(s);
  });
  after(async () => {
    await p.close();
    await s.stop();
  });

  const tokenCalls = () => p.seen.filter((x) => x.url === TOKEN_PATH).map((x) => new URLSearchParams(x.body));

  test('JWT bearer: each token request carries a newly signed assertion (new jti, iat; exp = iat + lifetime)', async () => {
    p.seen.length = 0;
    const cred = createCredential(
      {
        name: 'jwt',
        flow: 'jwt_bearer',
        tokenEndpoint: `${p.url}${TOKEN_PATH}`,
        clientId: a.clientId,
        privateKey: a.key.privateKeyPem,
        certificate: a.key.certificatePem,
        keyId: 'key-1',
        subject: a.username,
        assertionLifetimeSeconds: 90,
        claims: { tenant: 'acme' },
        scopes: ['api'],
      },
      { now: () => clock },
    );
    const t1 = await cred.getToken();
    clock += 7200_000; // expired: re-signed
    const t2 = await cred.getToken();
    assert.notEqual(t1.accessToken, t2.accessToken);
    const calls = tokenCalls();
    assert.equal(calls.length, 2);
    const [j1, j2] = calls.map((f) => f.get('assertion')!);
    for (const f of calls) {
      assert.equal(f.get('grant_type'), GRANT.jwt_bearer);
      assert.equal(f.get('scope'), 'api');
      assert.equal(f.get('client_id'), null, 'no client authentication: the assertion is the grant');
    }
    const [c1, c2] = [jwtPayload(j1!), jwtPayload(j2!)];
    assert.notEqual(c1.jti, c2.jti);
    assert.equal((c2.iat as number) - (c1.iat as number), 7200);
    for (const c of [c1, c2]) {
      assert.equal(c.iss, a.clientId);
      assert.equal(c.sub, a.username);
      assert.equal(
        c.aud,
        `${s.url}${TOKEN_PATH}`,
        'RFC 7523 §3: the token endpoint URL, when no issuer is set',
      );
      assert.equal(c.exp, (c.iat as number) + 90);
      assert.equal(c.tenant, 'acme');
    }
    const h = jwtHeader(j1!);
    assert.equal(h.alg, 'RS256');
    assert.equal(h.typ, 'JWT');
    assert.equal(h.kid, 'key-1');
    assert.match(h['x5t#S256'] as string, /^[A-Za-z0-9_-]{43}$/);
  });

  test('client credentials: extra parameters and the scope are sent again on every re-fetch', async () => {
    p.seen.length = 0;
    const cred = createCredential(
      {
        name: 'cc',
        flow: 'client_credentials',
        tokenEndpoint: `${p.url}${TOKEN_PATH}`,
        clientId: a.clientId,
        clientSecret: a.clientSecret,
        clientAuthMethod: 'client_secret_post',
        scopes: ['api', 'id'],
        tokenParams: { resource: 'https://api.example.com', audience: 'billing' },
      },
      { now: () => clock },
    );
    await cred.getToken();
    clock += 7200_000;
    await cred.getToken();
    const calls = tokenCalls();
    assert.equal(calls.length, 2);
    for (const f of calls) {
      assert.equal(f.get('grant_type'), 'client_credentials');
      assert.equal(f.get('scope'), 'api id');
      assert.deepEqual(f.getAll('resource'), ['https://api.example.com']);
      assert.equal(f.get('audience'), 'billing');
      assert.equal(f.get('client_id'), a.clientId);
      assert.equal(f.get('client_secret'), a.clientSecret);
    }
  });

  test('client_secret_basic form-encodes id and secret before base64 (RFC 6749 §2.3.1)', async () => {
    p.seen.length = 0;
    const cred = createCredential({
      name: 'basic',
      flow: 'client_credentials',
      tokenEndpoint: `${p.url}${TOKEN_PATH}`,
      clientId: a.clientId,
      clientSecret: a.clientSecret,
    });
    await cred.getToken();
    const seen = p.seen.find((x) => x.url === TOKEN_PATH)!;
    const decoded = Buffer.from(seen.headers.authorization!.slice(6), 'base64').toString();
    assert.equal(decoded, `${encodeURIComponent(a.clientId)}:${encodeURIComponent(a.clientSecret)}`);
    assert.equal(new URLSearchParams(seen.body).get('client_id'), null);
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
  });

  test('private_key_jwt: iss = sub = client id, aud = the issuer, a jti, a short life (RFC 7523 §3)', async () => {
    p.seen.length = 0;
    const cred = createCredential(
      {
        name: 'pkj',
        flow: 'client_credentials',
        issuer: s.url,
        tokenEndpoint: `${p.url}${TOKEN_PATH}`,
        clientId: a.clientId,
        privateKey: a.key.privateKeyPem,
      },
      { now: () => clock },
    );
    assert.equal(cred.config.clientAuthMethod, 'private_key_jwt', 'the default with a key and no secret');
    await cred.getToken();
    const f = tokenCalls()[0]!;
    assert.equal(f.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const c = jwtPayload(f.get('client_assertion')!);
    assert.equal(c.iss, a.clientId);
    assert.equal(c.sub, a.clientId);
    assert.equal(c.aud, s.url);
    assert.equal((c.exp as number) - (c.iat as number), 60);
    assert.match(c.jti as string, /^[0-9a-f-]{36}$/);
  });

  test('SAML bearer: a new signed assertion per request, Recipient = the token endpoint', async () => {
    p.seen.length = 0;
    const tokenEndpoint = `${p.url}${TOKEN_PATH}`;
    const cred = createCredential(
      {
        name: 'saml',
        flow: 'saml2_bearer',
        tokenEndpoint,
        audience: s.url,
        clientId: a.clientId,
        privateKey: a.key.privateKeyPem,
        certificate: a.key.certificatePem,
        subject: a.username,
        samlAttributes: { department: 'finance' },
      },
      { now: () => clock },
    );
    await cred.getToken();
    clock += 7200_000;
    await cred.getToken();
    const xml = tokenCalls().map((f) => Buffer.from(f.get('assertion')!, 'base64url').toString('utf8'));
    assert.equal(xml.length, 2);
    const ids = xml.map((x) => /ID="([^"]+)"/.exec(x)![1]);
    assert.notEqual(ids[0], ids[1]);
    for (const x of xml) {
      assert.match(x, new RegExp(`<saml:Issuer>${a.clientId}</saml:Issuer>`));
      assert.match(x, new RegExp(`Recipient="${tokenEndpoint}"`));
      assert.match(x, new RegExp(`<saml:Audience>${s.url}</saml:Audience>`));
      assert.match(x, /<saml:AttributeValue>finance<\/saml:AttributeValue>/);
      assert.match(x, /<ds:Signature /);
    }
  });
});
