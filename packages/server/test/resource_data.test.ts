// The REST API root (/services/data) and the bearer rules every protected
// resource shares: RFC 6750 §2 (where a token may be), §3.1 (challenges), and
// Salesforce's 401/403/404 bodies (salesforce-flows.md §5).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_VERSION } from '../src/resource/versions.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const INVALID_SESSION = '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]';
const NOT_FOUND = '[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]';
const ROOT = `/services/data/v${API_VERSION}/`;

/** A client_credentials app with these scopes; returns a function minting its tokens. */
async function tokenFor(s: TestServer, scopes: string[]): Promise<() => Promise<string>> {
  const user = await s.newUser();
  const { app, clientSecret } = await s.newApp({
    scopes,
    clientCredentials: { enabled: true, runAs: user.username },
  });
  return async () => {
    const r = await s.form(
      '/services/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(app.clientId, clientSecret) },
    );
    assert.equal(r.status, 200, r.text);
    return r.body.access_token as string;
  };
}

function assertInvalidSession(r: { status: number; text: string; headers: Headers }, challenge: string) {
  assert.equal(r.status, 401);
  assert.equal(r.text, INVALID_SESSION);
  assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
  assert.equal(r.headers.get('www-authenticate'), challenge);
  assert.equal(r.headers.get('cache-control'), 'no-store');
}

const NO_TOKEN = 'Bearer realm="s2s-oauth"';
const INVALID_TOKEN = 'Bearer realm="s2s-oauth", error="invalid_token"';

for (const kind of DB_KINDS) {
  describe(`resource server: /services/data (${kind})`, () => {
    let s: TestServer;
    let apiToken: string;
    let fullToken: string;
    let idOnlyToken: string;

    before(async () => {
      s = await startTestServer(kind);
      apiToken = await (await tokenFor(s, ['api']))();
      fullToken = await (await tokenFor(s, ['full']))();
      idOnlyToken = await (await tokenFor(s, ['id', 'openid']))();
    });
    after(() => s.stop());

    test('GET /services/data lists versions in Salesforce shape, without a token', async () => {
      for (const path of ['/services/data', '/services/data/']) {
        const r = await s.get(path);
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
        assert.ok(Array.isArray(r.body));
        assert.deepEqual(r.body.at(-1), {
          label: "Winter '25",
          url: '/services/data/v62.0',
          version: '62.0',
        });
        assert.deepEqual(r.body[0], { label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
        assert.deepEqual(
          r.body.find((v: { version: string }) => v.version === '60.0'),
          { label: "Spring '24", url: '/services/data/v60.0', version: '60.0' },
        );
        assert.equal(r.body.length, 62 - 31 + 1);
      }
    });

    test('GET /services/data answers the same when a token is sent (sf core sends one)', async () => {
      const r = await s.get('/services/data', { authorization: `Bearer ${apiToken}` });
      assert.equal(r.status, 200);
      assert.equal(r.body.at(-1).version, API_VERSION);
    });

    test('the version root lists the resources, with and without the trailing slash', async () => {
      for (const path of [ROOT, `/services/data/v${API_VERSION}`]) {
        const r = await s.get(path, { authorization: `Bearer ${apiToken}` });
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
        assert.equal(r.headers.get('cache-control'), 'no-store');
        assert.equal(r.body.sobjects, '/services/data/v62.0/sobjects');
        assert.equal(r.body.query, '/services/data/v62.0/query');
        assert.equal(r.body.limits, '/services/data/v62.0/limits');
        assert.match(r.body.identity, new RegExp(`^${s.url}/id/00D[A-Za-z0-9]{15}/005[A-Za-z0-9]{15}$`));
      }
      const old = await s.get('/services/data/v50.0/', { authorization: `Bearer ${apiToken}` });
      assert.equal(old.status, 200, 'jsforce defaults to v50.0');
      assert.equal(old.body.sobjects, '/services/data/v50.0/sobjects');
    });

    test('`Authorization: OAuth <token>` works as Salesforce accepts; the scheme is case-insensitive', async () => {
      for (const h of [`OAuth ${apiToken}`, `bearer ${apiToken}`, `BEARER  ${apiToken}`]) {
        const r = await s.get(ROOT, { authorization: h });
        assert.equal(r.status, 200, h.split(' ')[0]);
      }
    });

    test('an unknown version is 404 NOT_FOUND in the Salesforce array shape', async () => {
      for (const v of ['v99.0', 'v30.0', 'v62.1', '62.0', 'latest']) {
        const r = await s.get(`/services/data/${v}/`, { authorization: `Bearer ${apiToken}` });
        assert.equal(r.status, 404, v);
        assert.equal(r.text, NOT_FOUND);
        assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
      }
    });

    test('an unknown resource under /services/data is 404 NOT_FOUND for a valid token, 401 without', async () => {
      const ok = await s.get(`${ROOT}nothing/here`, { authorization: `Bearer ${apiToken}` });
      assert.equal(ok.status, 404);
      assert.equal(ok.text, NOT_FOUND);
      const anon = await s.get(`${ROOT}nothing/here`);
      assertInvalidSession(anon, NO_TOKEN);
      const post = await s.form(ROOT, {}, { authorization: `Bearer ${apiToken}` });
      assert.equal(post.status, 404);
      assert.equal(post.text, NOT_FOUND);
    });

    test('no token: 401 INVALID_SESSION_ID with a challenge that has no error (RFC 6750 §3.1)', async () => {
      assertInvalidSession(await s.get(ROOT), NO_TOKEN);
      // Another scheme is not a bearer token either.
      assertInvalidSession(await s.get(ROOT, { authorization: basic('a', 'b') }), NO_TOKEN);
      // Salesforce's oauth_token query parameter is for the identity endpoints only.
      assertInvalidSession(await s.get(`${ROOT}?oauth_token=${encodeURIComponent(apiToken)}`), NO_TOKEN);
    });

    test('unknown, malformed and empty tokens: 401 INVALID_SESSION_ID, error="invalid_token"', async () => {
      const bad = [
        'Bearer 00D000000000000!notAToken',
        'Bearer ',
        'Bearer two words',
        `Bearer ${apiToken}x`,
        `Bearer ${'a'.repeat(9000)}`,
        'Bearer a.b.c',
        'OAuth ÿ',
      ];
      for (const h of bad) {
        const r = await s.get(ROOT, { authorization: h });
        assertInvalidSession(r, INVALID_TOKEN);
      }
    });

    test('an expired token is 401 once the clock passes exp', async () => {
      let clock = Date.now();
      const t = await startTestServer(kind, { now: () => clock });
      try {
        const mint = await tokenFor(t, ['api']);
        const token = await mint();
        assert.equal((await t.get(ROOT, { authorization: `Bearer ${token}` })).status, 200);
        clock += 7200 * 1000 - 1;
        assert.equal((await t.get(ROOT, { authorization: `Bearer ${token}` })).status, 200);
        clock += 1;
        assertInvalidSession(await t.get(ROOT, { authorization: `Bearer ${token}` }), INVALID_TOKEN);
      } finally {
        await t.stop();
      }
    });

    test('a token whose user was deactivated is 401', async () => {
      const mint = await tokenFor(s, ['api']);
      const token = await mint();
      const rec = await s.get(ROOT, { authorization: `Bearer ${token}` });
      assert.equal(rec.status, 200);
      const userId = rec.body.identity.split('/').at(-1);
      const user = (await s.ctx.store.users.findById(userId))!;
      await s.ctx.store.users.update({ ...user, active: false });
      assertInvalidSession(await s.get(ROOT, { authorization: `Bearer ${token}` }), INVALID_TOKEN);
    });

    test('a token lacking api/full is 403 insufficient_scope naming api', async () => {
      const r = await s.get(ROOT, { authorization: `Bearer ${idOnlyToken}` });
      assert.equal(r.status, 403);
      assert.equal(
        r.headers.get('www-authenticate'),
        'Bearer realm="s2s-oauth", error="insufficient_scope", scope="api"',
      );
      assert.deepEqual(r.body, [
        { message: 'This session is not valid for use with the REST API', errorCode: 'INSUFFICIENT_SCOPE' },
      ]);
      // Scope is judged after the resource is known to need it: unknown paths too.
      const deep = await s.get(`${ROOT}sobjects`, { authorization: `Bearer ${idOnlyToken}` });
      assert.equal(deep.status, 403);
    });

    test('full covers the REST API', async () => {
      const r = await s.get(ROOT, { authorization: `Bearer ${fullToken}` });
      assert.equal(r.status, 200);
    });

    test('access_token in the query is refused with 400 invalid_request (RFC 9700 §4.3.2)', async () => {
      const variants: Record<string, string>[] = [{}, { authorization: `Bearer ${apiToken}` }];
      for (const headers of variants) {
        const r = await s.get(`${ROOT}?access_token=${encodeURIComponent(apiToken)}`, headers);
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, [
          { message: 'access tokens must not be sent in the URL query', errorCode: 'INVALID_REQUEST' },
        ]);
        assert.equal(
          r.headers.get('www-authenticate'),
          'Bearer realm="s2s-oauth", error="invalid_request", error_description="access tokens must not be sent in the URL query"',
        );
      }
    });
  });
}
