/**
 * Errors are typed: the server's own `error` / `error_description` and HTTP
 * status (OAuthClientError), failures below OAuth (TokenEndpointError), and a
 * credential that is wrong before any request (CredentialConfigError); each
 * names its credential. The OAuth errors are our real server's answers.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type CredentialConfig,
  CredentialConfigError,
  createCredential,
  OAuthClientError,
  TokenEndpointError,
} from '../src/index.ts';
import {
  type AppSetup,
  keyPair,
  littleServer,
  setUpApp,
  startTestServer,
  type TestServer,
  TOKEN_PATH,
  tempDir,
} from './helpers.ts';

async function rejectsWith(p: Promise<unknown>, check: (e: OAuthClientError) => void): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof OAuthClientError, String(err));
    check(err);
    return true;
  });
}

describe('typed errors from our server', () => {
  let s: TestServer;
  let a: AppSetup;

  before(async () => {
    s = await startTestServer('sqlite');
    a = await setUpApp(s);
  });
  after(() => s.stop());

  const jwt = (extra: Partial<CredentialConfig> = {}): CredentialConfig => ({
    name: 'sync',
    flow: 'jwt_bearer',
    issuer: s.url,
    tokenEndpoint: `${s.url}${TOKEN_PATH}`,
    clientId: a.clientId,
    privateKey: a.key.privateKeyPem,
    subject: a.username,
    ...extra,
  });

  test('client_credentials, wrong secret: 401 invalid_client', async () => {
    const cred = createCredential({
      name: 'cc-wrong',
      flow: 'client_credentials',
      tokenEndpoint: `${s.url}${TOKEN_PATH}`,
      clientId: a.clientId,
      clientSecret: 'wrong',
    });
    await rejectsWith(cred.getToken(), (e) => {
      assert.equal(e.status, 401);
      assert.equal(e.error, 'invalid_client');
      assert.equal(e.errorDescription, 'invalid client credentials');
      assert.equal(e.credential, 'cc-wrong');
      assert.equal(e.endpoint, `${s.url}${TOKEN_PATH}`);
      assert.equal(e.message, 'credential cc-wrong: invalid_client: invalid client credentials (HTTP 401)');
    });
  });

  test('JWT bearer for a user who is not pre-authorized: 400 invalid_app_access', async () => {
    const other = await s.newUser();
    await rejectsWith(createCredential(jwt({ subject: other.username })).getToken(), (e) => {
      assert.equal(e.status, 400);
      assert.equal(e.error, 'invalid_app_access');
      assert.equal(e.errorDescription, 'user is not admin approved to access this app');
    });
  });

  test('JWT bearer signed by a key the app does not know: 400 invalid_grant "invalid assertion"', async () => {
    const stranger = await keyPair(1);
    await rejectsWith(createCredential(jwt({ privateKey: stranger.privateKeyPem })).getToken(), (e) => {
      assert.equal(e.status, 400);
      assert.equal(e.error, 'invalid_grant');
      assert.equal(e.errorDescription, 'invalid assertion');
    });
  });

  test('JWT bearer for another audience: 400 invalid_grant "audience is invalid"', async () => {
    await rejectsWith(createCredential(jwt({ audience: 'https://login.salesforce.com' })).getToken(), (e) => {
      assert.equal(e.error, 'invalid_grant');
      assert.equal(e.errorDescription, 'audience is invalid');
    });
  });

  test('JWT bearer living longer than the app allows (300 s): 400 invalid_grant', async () => {
    await rejectsWith(createCredential(jwt({ assertionLifetimeSeconds: 600 })).getToken(), (e) => {
      assert.equal(e.error, 'invalid_grant');
      assert.equal(e.errorDescription, 'assertion lifetime exceeds 300 seconds (exp - iat, or exp - now)');
    });
  });

  test('JWT bearer from an unknown client id: 400 invalid_client_id (Salesforce)', async () => {
    await rejectsWith(createCredential(jwt({ clientId: '3MVGnobody' })).getToken(), (e) => {
      assert.equal(e.status, 400);
      assert.equal(e.error, 'invalid_client_id');
      assert.equal(e.errorDescription, 'client identifier invalid');
    });
  });

  test('SAML bearer for a user who is not pre-authorized: 400 invalid_app_access', async () => {
    const other = await s.newUser();
    const cred = createCredential(
      jwt({ name: 'saml', flow: 'saml2_bearer', certificate: a.key.certificatePem, subject: other.username }),
    );
    await rejectsWith(cred.getToken(), (e) => {
      assert.equal(e.error, 'invalid_app_access');
      assert.equal(e.credential, 'saml');
    });
  });

  test('private_key_jwt whose aud is the token endpoint (no issuer configured): 401 invalid_client', async () => {
    const cred = createCredential({
      name: 'pkj-no-issuer',
      flow: 'client_credentials',
      tokenEndpoint: `${s.url}${TOKEN_PATH}`,
      clientId: a.clientId,
      privateKey: a.key.privateKeyPem,
    });
    await rejectsWith(cred.getToken(), (e) => {
      assert.equal(e.status, 401);
      assert.equal(e.error, 'invalid_client');
      assert.equal(e.errorDescription, 'client assertion audience must be the issuer identifier');
    });
  });
});

describe('errors below OAuth, and in the credential', () => {
  const tmp = tempDir();
  after(() => tmp.remove());

  const base = {
    name: 'broken',
    flow: 'client_credentials' as const,
    clientId: 'c',
    clientSecret: 's',
  };

  test('nothing listening: TokenEndpointError without a status', async () => {
    const cred = createCredential({ ...base, tokenEndpoint: 'http://127.0.0.1:9/token' });
    await assert.rejects(cred.getToken(), (err: unknown) => {
      assert.ok(err instanceof TokenEndpointError && !(err instanceof OAuthClientError));
      assert.equal(err.status, undefined);
      assert.equal(err.endpoint, 'http://127.0.0.1:9/token');
      assert.match(err.message, /^credential broken: http:\/\/127\.0\.0\.1:9\/token: fetch failed$/);
      return true;
    });
  });

  test('an HTML 502 from a proxy: TokenEndpointError with the status and the start of the body', async () => {
    const gw = await littleServer((_req, _body, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad Gateway</body></html>');
    });
    try {
      const cred = createCredential({ ...base, tokenEndpoint: `${gw.url}/token` });
      await assert.rejects(cred.getToken(), (err: unknown) => {
        assert.ok(err instanceof TokenEndpointError && !(err instanceof OAuthClientError));
        assert.equal(err.status, 502);
        assert.equal(
          err.message,
          `credential broken: ${gw.url}/token answered HTTP 502: <html><body>Bad Gateway</body></html>`,
        );
        return true;
      });
    } finally {
      await gw.close();
    }
  });

  test('a 200 without access_token, or with a token_type other than Bearer, is refused', async () => {
    const answers = ['{"token_type":"Bearer"}', '{"access_token":"x","token_type":"DPoP"}', 'not json'];
    const odd = await littleServer((_req, _body, res, n) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answers[n - 1]);
    });
    try {
      const why = [
        'the token response has no access_token',
        'token_type "DPoP" is not supported (only Bearer, RFC 6750)',
        'the token response is not a JSON object',
      ];
      for (const [i, w] of why.entries()) {
        const cred = createCredential({ ...base, name: `odd${i}`, tokenEndpoint: `${odd.url}/token` });
        await assert.rejects(cred.getToken(), (err: unknown) => {
          assert.ok(err instanceof TokenEndpointError);
          assert.equal(err.message, `credential odd${i}: ${odd.url}/token: ${w}`);
          return true;
        });
      }
    } finally {
      await odd.close();
    }
  });

  test('an unreadable key file, a key that is not a key, a certificate of another key: CredentialConfigError', async () => {
    const k1 = await keyPair();
    const k2 = await keyPair(1);
    const cfg = {
      name: 'keys',
      flow: 'jwt_bearer' as const,
      tokenEndpoint: 'http://127.0.0.1:9/token',
      clientId: 'c',
      subject: 'u@example.com',
    };
    const cases: [Partial<CredentialConfig>, string, RegExp][] = [
      [{ privateKeyFile: join(tmp.dir, 'missing.key') }, 'privateKeyFile', /cannot be read \(ENOENT/],
      [{ privateKey: 'not a key' }, 'privateKey', /is not a usable PEM private key/],
      [
        { privateKey: k1.privateKeyPem, certificate: k2.certificatePem },
        'certificate',
        /does not match the private key/,
      ],
      [
        { privateKey: k1.privateKeyPem, signingAlgorithm: 'ES256' },
        'signingAlgorithm',
        /ES256 does not fit a rsa key/,
      ],
    ];
    for (const [extra, field, message] of cases) {
      const cred = createCredential({ ...cfg, ...extra } as CredentialConfig);
      await assert.rejects(cred.getToken(), (err: unknown) => {
        assert.ok(err instanceof CredentialConfigError, String(err));
        assert.equal(err.field, field);
        assert.equal(err.credential, 'keys');
        assert.match(err.message, message);
        return true;
      });
    }
    // A file that becomes readable is picked up on the next attempt (the failure is not kept).
    const file = join(tmp.dir, 'later.key');
    const cred = createCredential(
      { ...cfg, name: 'later', privateKeyFile: file, tokenEndpoint: 'http://127.0.0.1:9/token' },
      { backoff: { initialMs: 0, maxMs: 0 } },
    );
    await assert.rejects(cred.getToken(), CredentialConfigError);
    writeFileSync(file, k1.privateKeyPem);
    await assert.rejects(
      cred.getToken(),
      TokenEndpointError,
      'the key loads; now the (absent) server is the problem',
    );
  });
});
