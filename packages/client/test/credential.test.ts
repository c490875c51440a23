/** The named credential's validation: defaults, and the first wrong field named exactly. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CredentialConfigError, redactCredential, validateCredential } from '../src/index.ts';

const T = 'https://login.example.com/services/oauth2/token';

function fails(input: unknown, field: string, message: string): void {
  assert.throws(
    () => validateCredential(input),
    (err: unknown) => {
      assert.ok(err instanceof CredentialConfigError, String(err));
      assert.equal(err.field, field);
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe('validateCredential', () => {
  test('defaults: client auth from what is given, 120 s assertions, 60 s margin, 401 + INVALID_SESSION_ID', () => {
    const c = validateCredential({
      name: 'a',
      flow: 'client_credentials',
      tokenEndpoint: T,
      clientId: 'id',
      clientSecret: 's',
    });
    assert.equal(c.clientAuthMethod, 'client_secret_basic');
    assert.equal(c.assertionLifetimeSeconds, 120);
    assert.equal(c.refreshMarginSeconds, 60);
    assert.deepEqual(c.refreshOn, { statuses: [], bodyIncludes: ['INVALID_SESSION_ID'] });
    assert.equal(c.streamBodies, 'buffer');
    assert.equal(c.requestTimeoutSeconds, 30);
    assert.deepEqual(c.scopes, []);
    const k = validateCredential({
      name: 'b',
      flow: 'client_credentials',
      tokenEndpoint: T,
      clientId: 'id',
      privateKey: 'PEM',
    });
    assert.equal(k.clientAuthMethod, 'private_key_jwt');
    const j = validateCredential({
      name: 'c',
      flow: 'jwt_bearer',
      issuer: 'https://login.example.com',
      clientId: 'id',
      privateKeyFile: '/k.pem',
      subject: 'u@example.com',
    });
    assert.equal(j.clientAuthMethod, 'none', 'the assertion is the grant (RFC 7521 §4.2)');
  });

  test('each flow names what it lacks', () => {
    const base = { name: 'x', tokenEndpoint: T, clientId: 'id' };
    fails(
      { ...base, flow: 'jwt_bearer' },
      'privateKey',
      'credential x: privateKey or privateKeyFile is required for jwt_bearer (RFC 7523 §2.1)',
    );
    fails(
      { ...base, flow: 'jwt_bearer', privateKey: 'K' },
      'subject',
      'credential x: subject is required for jwt_bearer (the username)',
    );
    fails(
      { ...base, flow: 'saml2_bearer', privateKey: 'K', subject: 'u' },
      'certificate',
      'credential x: certificate or certificateFile is required for saml2_bearer',
    );
    fails(
      { ...base, flow: 'client_credentials' },
      'clientAuthMethod',
      'credential x: clientAuthMethod cannot be none for client_credentials (RFC 6749 §4.4.2)',
    );
    fails(
      { ...base, flow: 'client_credentials', clientAuthMethod: 'client_secret_post' },
      'clientSecret',
      'credential x: clientSecret is required with client_secret_post',
    );
    fails(
      { ...base, flow: 'authorization_code' },
      'redirectUri',
      'credential x: redirectUri is required for authorization_code',
    );
    fails(
      { name: 'x', flow: 'client_credentials', clientId: 'id', clientSecret: 's' },
      'tokenEndpoint',
      'credential x: tokenEndpoint or issuer is required',
    );
  });

  test('names, fields and values are checked', () => {
    const ok = { name: 'x', flow: 'client_credentials', tokenEndpoint: T, clientId: 'id', clientSecret: 's' };
    fails(
      { ...ok, name: '../etc' },
      'name',
      'credential ../etc: name must be 1-128 letters, digits or ._@- (starting with a letter or digit)',
    );
    fails(
      { ...ok, flow: 'password' },
      'flow',
      'credential x: flow must be one of jwt_bearer, saml2_bearer, client_credentials, refresh_token, authorization_code',
    );
    fails({ ...ok, secret: 's' }, 'secret', 'credential x: secret is not a credential field');
    fails(
      { ...ok, tokenEndpoint: '/services/oauth2/token' },
      'tokenEndpoint',
      'credential x: tokenEndpoint must be an absolute URL',
    );
    fails(
      { ...ok, tokenEndpoint: `${T}#x` },
      'tokenEndpoint',
      'credential x: tokenEndpoint must not contain a fragment',
    );
    fails(
      { ...ok, scopes: ['api', 'a b'] },
      'scopes',
      'credential x: scopes must be a list of scope tokens (RFC 6749 §3.3)',
    );
    fails(
      { ...ok, claims: { exp: 1 } },
      'claims.exp',
      'credential x: claims.exp is set by the signer (use subject/audience)',
    );
    fails(
      { ...ok, tokenParams: { grant_type: 'password' } },
      'tokenParams.grant_type',
      'credential x: tokenParams.grant_type is set by the flow itself',
    );
    fails(
      { ...ok, tokenParams: { resource: 3 } },
      'tokenParams.resource',
      'credential x: tokenParams.resource must be a string or a list of strings',
    );
    fails(
      { ...ok, refreshOn: { statuses: [302] } },
      'refreshOn.statuses',
      'credential x: refreshOn.statuses must be a list of HTTP error statuses (400-599)',
    );
    fails(
      { ...ok, assertionLifetimeSeconds: 0 },
      'assertionLifetimeSeconds',
      'credential x: assertionLifetimeSeconds must be a number from 10 to 3600',
    );
    fails(
      { ...ok, privateKey: 'a', privateKeyFile: 'b' },
      'privateKey',
      'credential x: privateKey and privateKeyFile cannot both be given',
    );
    fails(
      { ...ok, streamBodies: 'drop' },
      'streamBodies',
      'credential x: streamBodies must be "buffer" or "refuse"',
    );
  });

  test('redactCredential hides every secret', () => {
    const c = validateCredential({
      name: 'x',
      flow: 'refresh_token',
      tokenEndpoint: T,
      clientId: 'id',
      clientSecret: 'top-secret',
      refreshToken: 'rt-secret',
      privateKey: 'pem-secret',
      privateKeyPassphrase: 'pass-secret',
    });
    const shown = JSON.stringify(redactCredential(c));
    for (const secret of ['top-secret', 'rt-secret', 'pem-secret', 'pass-secret'])
      assert.ok(!shown.includes(secret));
    assert.equal(redactCredential(c).clientSecret, '(set)');
  });
});
