// The authorization endpoint's request rules (RFC 6749 §4.1.1, §4.1.2.1; RFC 7636 §4.3;
// RFC 9700 §2.1): a bad client or redirect URI never redirects (an HTML error page); every
// other error goes back to the registered redirect URI with error, state and iss.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AUTHORIZE,
  authorizeUrl,
  Browser,
  CALLBACK,
  type Client,
  codeClient,
  pkce,
} from './authorize_flow.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

for (const kind of DB_KINDS) {
  describe(`authorization endpoint: request rules (${kind})`, () => {
    let s: TestServer;
    let c: Client;
    let b: Browser;
    /** The exact error redirect for `error` and `description`, with this server's iss. */
    const errorAt = (error: string, description: string, state: string | null = 'st-123', base = CALLBACK) =>
      `${base}?error=${error}&error_description=${encodeURIComponent(description)}` +
      (state === null ? '' : `&state=${encodeURIComponent(state)}`) +
      `&iss=${encodeURIComponent(s.url)}`;

    before(async () => {
      s = await startTestServer(kind);
      c = await codeClient(s, {
        app: { callbackUrls: [CALLBACK, 'https://client.example/cb2?tenant=a%20b'] },
      });
      b = new Browser(s.url);
    });
    after(() => s.stop());

    test('a missing, unknown or repeated client_id shows an error page and never redirects', async () => {
      const cases = [
        authorizeUrl(c, { client_id: undefined }),
        authorizeUrl(c, { client_id: '3MVG9unknown' }),
        `${authorizeUrl(c)}&client_id=${c.app.clientId}`,
      ];
      for (const url of cases) {
        const r = await b.get(url);
        assert.equal(r.status, 400, url);
        assert.equal(r.location, null);
        assert.match(r.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
        assert.match(r.text, /<h1>(This sign-in link is not valid|Unknown application)<\/h1>/);
      }
    });

    test('redirect_uri must exactly match a registered callback URL, else an error page', async () => {
      const bad = [
        undefined,
        'https://client.example/cb/',
        'https://client.example/CB',
        'https://CLIENT.example/cb',
        'https://client.example/cb?x=1',
        'https://client.example/c',
        'https://client.example:443/cb',
        'http://client.example/cb',
        'https://evil.example/cb',
        'https://client.example/cb2?tenant=a b',
      ];
      for (const redirect of bad) {
        const r = await b.get(authorizeUrl(c, { redirect_uri: redirect }));
        assert.equal(r.status, 400, String(redirect));
        assert.equal(r.location, null, String(redirect));
      }
      const twice = await b.get(`${authorizeUrl(c)}&redirect_uri=${encodeURIComponent(CALLBACK)}`);
      assert.equal(twice.status, 400);
      assert.equal(twice.location, null);
      const named = await b.get(authorizeUrl(c, { redirect_uri: 'https://evil.example/cb' }));
      assert.match(named.text, /not one of the callback URLs registered for App \d+/);
      // The page escapes what it shows and carries the page headers.
      assert.equal(named.headers.get('x-frame-options'), 'DENY');
      assert.equal(named.headers.get('cache-control'), 'no-store');
    });

    test('loopback IP redirect URIs of native apps may differ in the port only (RFC 8252 §7.3)', async () => {
      const native = await codeClient(s, {
        app: { callbackUrls: ['http://127.0.0.1/callback', 'http://[::1]/cb', 'http://localhost/cb'] },
      });
      for (const ok of [
        'http://127.0.0.1:53111/callback',
        'http://127.0.0.1/callback',
        'http://[::1]:8080/cb',
      ]) {
        const r = await b.get(authorizeUrl(native, { redirect_uri: ok }));
        assert.equal(r.status, 200, ok);
        assert.ok(r.headers.get('content-security-policy')?.includes(new URL(ok).origin), ok);
      }
      const refused = [
        'http://127.0.0.1:53111/callback/x',
        'http://127.0.0.1:53111/Callback',
        'http://127.0.0.1:53111/callback?x=1',
        'https://127.0.0.1:53111/callback',
        'http://localhost:53111/cb',
        'http://127.0.0.2:53111/callback',
        'http://127.0.0.1:53111@evil.example/callback',
      ];
      for (const bad of refused) {
        const r = await b.get(authorizeUrl(native, { redirect_uri: bad }));
        assert.equal(r.status, 400, bad);
        assert.equal(r.location, null, bad);
      }
    });

    test('response_type missing or not `code` is redirected (invalid_request, unsupported_response_type)', async () => {
      const missing = await b.get(authorizeUrl(c, { response_type: undefined }));
      assert.equal(missing.status, 302);
      assert.equal(missing.location, errorAt('invalid_request', 'response_type is missing'));
      for (const rt of ['token', 'code token', 'id_token']) {
        const r = await b.get(authorizeUrl(c, { response_type: rt }));
        assert.equal(r.status, 302);
        assert.equal(
          r.location,
          errorAt('unsupported_response_type', 'only response_type=code is supported'),
        );
      }
    });

    test('the registered query of the redirect URI is kept; state is echoed exactly', async () => {
      const r = await b.get(
        authorizeUrl(c, {
          redirect_uri: 'https://client.example/cb2?tenant=a%20b',
          response_type: 'x',
          state: 'a b&c=/?',
        }),
      );
      assert.equal(r.status, 302);
      assert.equal(
        r.location,
        'https://client.example/cb2?tenant=a%20b&error=unsupported_response_type' +
          `&error_description=${encodeURIComponent('only response_type=code is supported')}` +
          `&state=${encodeURIComponent('a b&c=/?')}&iss=${encodeURIComponent(s.url)}`,
      );
      const back = new URL(r.location!);
      assert.equal(back.searchParams.get('state'), 'a b&c=/?');
      assert.equal(back.searchParams.get('tenant'), 'a b');
    });

    test('a repeated parameter is invalid_request; a repeated state is not echoed', async () => {
      const scope = await b.get(`${authorizeUrl(c, { scope: 'api' })}&scope=id`);
      assert.equal(scope.location, errorAt('invalid_request', 'parameter scope was sent more than once'));
      const state = await b.get(`${authorizeUrl(c)}&state=other`);
      assert.equal(
        state.location,
        errorAt('invalid_request', 'parameter state was sent more than once', null),
      );
    });

    test('PKCE: S256 only, a well-formed challenge, and no method without a challenge', async () => {
      const { challenge } = pkce();
      const cases: [Record<string, string | undefined>, string][] = [
        [{ code_challenge: challenge, code_challenge_method: 'plain' }, 'code_challenge_method must be S256'],
        [{ code_challenge_method: 'S256' }, 'code_challenge_method was sent without code_challenge'],
        [
          { code_challenge: challenge.slice(1), code_challenge_method: 'S256' },
          'code_challenge must be 43 base64url characters (S256)',
        ],
        [
          { code_challenge: `${challenge.slice(1)}=`, code_challenge_method: 'S256' },
          'code_challenge must be 43 base64url characters (S256)',
        ],
      ];
      for (const [params, description] of cases) {
        const r = await b.get(authorizeUrl(c, params));
        assert.equal(r.status, 302, JSON.stringify(params));
        assert.equal(r.location, errorAt('invalid_request', description), JSON.stringify(params));
      }
    });

    test('PKCE is required of a public client (no secret required), optional for a confidential one', async () => {
      const pub = await codeClient(s, { app: { refreshToken: { requireSecret: false } } });
      const without = await b.get(authorizeUrl(pub));
      assert.equal(
        without.location,
        errorAt('invalid_request', 'code_challenge is required for this client (PKCE, RFC 7636)'),
      );
      const withPkce = await b.get(
        authorizeUrl(pub, { code_challenge: pkce().challenge, code_challenge_method: 'S256' }),
      );
      assert.equal(withPkce.status, 200);
      assert.match(withPkce.text, /<h1>Sign in<\/h1>/);
      const confidential = await b.get(authorizeUrl(c));
      assert.equal(confidential.status, 200);
    });

    test('scopes beyond the app or malformed are invalid_scope', async () => {
      const beyond = await b.get(authorizeUrl(c, { scope: 'api full' }));
      assert.equal(
        beyond.location,
        errorAt('invalid_scope', 'requested scope is not allowed for this client: full'),
      );
      const malformed = await b.get(authorizeUrl(c, { scope: 'api "x"' }));
      assert.equal(malformed.location, errorAt('invalid_scope', 'scope parameter is malformed'));
    });

    test('not signed in: the sign-in page, with the page headers and a session cookie', async () => {
      const fresh = new Browser(s.url);
      const r = await fresh.get(authorizeUrl(c, { scope: 'api' }));
      assert.equal(r.status, 200);
      assert.match(r.text, /<span class="app-name">App \d+<\/span> wants to access your account/);
      assert.equal(
        r.headers.get('content-security-policy'),
        "default-src 'none'; style-src 'self'; form-action 'self' https://client.example; frame-ancestors 'none'; base-uri 'none'",
      );
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      const [cookie] = r.headers.getSetCookie();
      assert.match(
        cookie ?? '',
        /^s2s_sid=[A-Za-z0-9_-]{43}; Path=\/services\/oauth2; Max-Age=1800; HttpOnly; SameSite=Lax$/,
      );
      // No script anywhere; the stylesheet is ours.
      assert.doesNotMatch(r.text, /<script/i);
      const css = await fresh.get('/services/oauth2/assets/style.css');
      assert.equal(css.status, 200);
      assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    });

    test('an interpolated value is escaped (the app name)', async () => {
      const evil = await codeClient(s, { app: { name: '<img src=x onerror=alert(1)>"&' } });
      const r = await new Browser(s.url).get(authorizeUrl(evil));
      assert.equal(r.status, 200);
      assert.ok(r.text.includes('&lt;img src=x onerror=alert(1)&gt;&quot;&amp;'));
      assert.ok(!r.text.includes('<img'));
    });

    test('the discovery document lists the authorization endpoint, code and S256', async () => {
      const meta = (await s.get('/.well-known/openid-configuration')).body;
      assert.equal(meta.authorization_endpoint, `${s.url}${AUTHORIZE}`);
      assert.deepEqual(meta.response_types_supported, ['code']);
      assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
      assert.equal(meta.authorization_response_iss_parameter_supported, true);
      assert.ok(meta.grant_types_supported.includes('authorization_code'));
    });
  });
}

describe('authorization endpoint: the session cookie is Secure when the issuer is https', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite', { config: { issuer: 'https://login.example.test' } });
  });
  after(() => s.stop());

  test('Set-Cookie carries Secure', async () => {
    const addr = s.app.server.address();
    assert.ok(addr && typeof addr === 'object');
    const c = await codeClient(s);
    const r = await new Browser(`http://127.0.0.1:${addr.port}`).get(authorizeUrl(c));
    assert.equal(r.status, 200);
    assert.match(r.headers.getSetCookie()[0] ?? '', /; HttpOnly; SameSite=Lax; Secure$/);
  });
});
