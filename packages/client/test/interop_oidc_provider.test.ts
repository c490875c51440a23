/**
 * Interoperability with a server nobody here wrote: node-oidc-provider.
 * client_credentials with client_secret_basic and private_key_jwt (found by
 * discovery), the authorization-code login with PKCE, and refresh with strict
 * rotation. Token requests are counted by the provider's own events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCredential, OAuthClientError, TokenEndpointError } from '../src/index.ts';
import { keyPair, type LittleServer, proxy } from './helpers.ts';
import { browserLogin, CC_BASIC, CC_JWT, type OidcServer, startOidcProvider, WEB } from './oidc_provider.ts';

describe('interop: oidc-provider', () => {
  let op: OidcServer;
  let clock = Date.now();

  before(async () => {
    op = await startOidcProvider(await keyPair());
  });
  after(() => op.close());

  test('client_credentials with client_secret_basic, endpoint discovered from the issuer', async () => {
    const cred = createCredential({
      name: 'op-basic',
      flow: 'client_credentials',
      issuer: op.issuer,
      clientId: CC_BASIC.id,
      clientSecret: CC_BASIC.secret,
    });
    const t = await cred.getToken();
    assert.equal(t.tokenType, 'Bearer');
    assert.equal(t.response.expires_in, 600);
    assert.equal(t.expiresAt! - t.obtainedAt, 600_000);
    assert.equal(op.count('client_credentials', true), 1);
    assert.equal(await cred.accessToken(), t.accessToken, 'cached: no second request');
    assert.equal(op.count('client_credentials'), 1);
  });

  test('client_credentials with private_key_jwt (aud = the issuer, RFC 7523 §2.2)', async () => {
    const before = op.count('client_credentials', true);
    const cred = createCredential({
      name: 'op-pkjwt',
      flow: 'client_credentials',
      issuer: op.issuer,
      clientId: CC_JWT.id,
      clientAuthMethod: 'private_key_jwt',
      privateKey: (await keyPair()).privateKeyPem,
    });
    const t1 = await cred.getToken();
    cred.invalidate();
    const t2 = await cred.getToken();
    assert.notEqual(t1.accessToken, t2.accessToken);
    // The second assertion is accepted: it has a new jti (the provider refuses a replayed one).
    assert.equal(op.count('client_credentials', true) - before, 2);
  });

  test('a wrong secret is the provider’s 401 invalid_client, typed', async () => {
    const cred = createCredential({
      name: 'op-wrong',
      flow: 'client_credentials',
      tokenEndpoint: op.tokenEndpoint,
      clientId: CC_BASIC.id,
      clientSecret: 'not-the-secret',
    });
    await assert.rejects(cred.getToken(), (err: unknown) => {
      assert.ok(err instanceof OAuthClientError);
      assert.equal(err.error, 'invalid_client');
      assert.equal(err.status, 401);
      assert.equal(err.errorDescription, 'client authentication failed');
      assert.equal(err.credential, 'op-wrong');
      assert.equal(err.endpoint, op.tokenEndpoint);
      return true;
    });
  });

  test('a wrong issuer in the metadata is refused (RFC 8414 §3.3)', async () => {
    const p = await proxy(op.issuer);
    try {
      const cred = createCredential({
        name: 'op-mitm',
        flow: 'client_credentials',
        issuer: p.url,
        clientId: CC_BASIC.id,
        clientSecret: CC_BASIC.secret,
      });
      await assert.rejects(cred.getToken(), (err: unknown) => {
        assert.ok(err instanceof TokenEndpointError);
        assert.match(err.message, new RegExp(`names issuer ${op.issuer}, not ${p.url} \\(RFC 8414 §3.3\\)`));
        return true;
      });
    } finally {
      await p.close();
    }
  });

  test('authorization code + PKCE login, then refresh with rotation: each new refresh token replaces the old', async () => {
    const cred = createCredential(
      {
        name: 'op-web',
        flow: 'authorization_code',
        issuer: op.issuer,
        clientId: WEB.id,
        clientSecret: WEB.secret,
        redirectUri: WEB.redirect,
        scopes: ['openid', 'offline_access'],
        authorizationParams: { prompt: 'consent' },
      },
      { now: () => clock },
    );
    const pending = await cred.beginAuthorization({ redirectUri: 'http://127.0.0.1:53682/callback' });
    const u = new URL(pending.url);
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(u.searchParams.get('response_type'), 'code');
    const back = await browserLogin(pending.url, 'alice');
    const first = await cred.finishAuthorization(pending, back);
    assert.equal(op.count('authorization_code', true), 1);
    const rt0 = (await cred.state())!.refreshToken!;
    assert.ok(rt0);

    clock += 3601_000;
    const second = await cred.getToken();
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(op.count('refresh_token', true), 1);
    const rt1 = (await cred.state())!.refreshToken!;
    assert.notEqual(rt1, rt0, 'the rotated refresh token was saved');

    clock += 3601_000;
    await cred.getToken();
    assert.equal(op.count('refresh_token', true), 2, 'the saved (rotated) refresh token works');
    assert.equal(op.count('refresh_token', false), 0, 'and no request ever used a spent one');
    assert.notEqual((await cred.state())!.refreshToken, rt1);
  });

  test('refresh_token flow from a given refresh token; a spent one is the provider’s invalid_grant', async () => {
    const login = createCredential({
      name: 'op-login',
      flow: 'authorization_code',
      issuer: op.issuer,
      clientId: WEB.id,
      clientSecret: WEB.secret,
      redirectUri: WEB.redirect,
      scopes: ['openid', 'offline_access'],
      authorizationParams: { prompt: 'consent' },
    });
    const pending = await login.beginAuthorization();
    await login.finishAuthorization(pending, await browserLogin(pending.url, 'bob'));
    const rt = (await login.state())!.refreshToken!;

    const cred = createCredential({
      name: 'op-refresh',
      flow: 'refresh_token',
      tokenEndpoint: op.tokenEndpoint,
      clientId: WEB.id,
      clientSecret: WEB.secret,
      clientAuthMethod: 'client_secret_post',
      refreshToken: rt,
    });
    const t = await cred.getToken();
    assert.match(t.accessToken, /\S{20,}/);
    assert.notEqual((await cred.state())!.refreshToken, rt);

    // The same (spent) refresh token, from configuration, in a new credential:
    const again = createCredential({ ...cred.config, name: 'op-refresh-2' });
    await assert.rejects(again.getToken(), (err: unknown) => {
      assert.ok(err instanceof OAuthClientError);
      assert.equal(err.error, 'invalid_grant');
      assert.equal(err.status, 400);
      assert.equal(err.credential, 'op-refresh-2');
      return true;
    });
  });

  test('no expires_in (as Salesforce): the lifetime comes from introspection (RFC 7662)', async () => {
    let p: LittleServer | undefined;
    try {
      p = await proxy(op.issuer, (path, json) => {
        if (path === '/token') delete json.expires_in;
      });
      const base = {
        flow: 'client_credentials' as const,
        tokenEndpoint: `${p.url}/token`,
        clientId: CC_BASIC.id,
        clientSecret: CC_BASIC.secret,
      };
      const introspected = createCredential({
        ...base,
        name: 'op-introspect',
        introspect: true,
        introspectionEndpoint: `${op.issuer}/token/introspection`,
      });
      const t = await introspected.getToken();
      assert.equal(t.response.expires_in, undefined);
      assert.equal(t.expiresAt! - t.obtainedAt, 600_000, 'exp − iat from the introspection answer');

      const configured = createCredential({ ...base, name: 'op-lifetime', tokenLifetimeSeconds: 900 });
      const t2 = await configured.getToken();
      assert.equal(t2.expiresAt! - t2.obtainedAt, 900_000);

      const unknown = createCredential({ ...base, name: 'op-unknown' });
      assert.equal((await unknown.getToken()).expiresAt, undefined, 'used until a server refuses it');
    } finally {
      await p?.close();
    }
  });
});
