// userinfo and the identity URL (salesforce-flows.md §6.3, §6.4), Salesforce's
// oauth_token parameter, the form-body token of RFC 6750 §2.2 and the
// one-method rule of §2.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { User } from '../src/domain/types.ts';
import { basic, DB_KINDS, type HttpResult, startTestServer, type TestServer } from './harness.ts';

const USERINFO = '/services/oauth2/userinfo';
const INVALID_SESSION = '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]';
const NOT_FOUND = '[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]';

interface Minted {
  token: string;
  /** The identity URL from the token response. */
  id: string;
  user: User;
}

async function mint(
  s: TestServer,
  scopes: string[],
  userFields: Record<string, unknown> = {},
): Promise<Minted> {
  const user = await s.newUser(userFields);
  const { app, clientSecret } = await s.newApp({
    scopes,
    clientCredentials: { enabled: true, runAs: user.username },
  });
  const r = await s.form(
    '/services/oauth2/token',
    { grant_type: 'client_credentials' },
    { authorization: basic(app.clientId, clientSecret) },
  );
  assert.equal(r.status, 200, r.text);
  return { token: r.body.access_token, id: r.body.id, user };
}

function postForm(s: TestServer, path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(s.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

function assertInvalidRequest(r: HttpResult, message: string) {
  assert.equal(r.status, 400);
  assert.deepEqual(r.body, [{ message, errorCode: 'INVALID_REQUEST' }]);
  assert.equal(
    r.headers.get('www-authenticate'),
    `Bearer realm="s2s-oauth", error="invalid_request", error_description="${message}"`,
  );
}

for (const kind of DB_KINDS) {
  describe(`resource server: userinfo and identity URL (${kind})`, () => {
    let s: TestServer;
    let ann: Minted;
    let idPath: string;

    before(async () => {
      s = await startTestServer(kind);
      ann = await mint(s, ['api', 'id'], { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' });
      idPath = new URL(ann.id).pathname;
    });
    after(() => s.stop());

    test('userinfo returns the token user in Salesforce field names', async () => {
      const r = await s.get(USERINFO, { authorization: `Bearer ${ann.token}` });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
      assert.equal(r.headers.get('cache-control'), 'no-store');
      const b = r.body;
      assert.equal(b.sub, ann.id);
      assert.equal(b.user_id, ann.user.id);
      assert.equal(b.organization_id, s.ctx.orgId);
      assert.equal(b.preferred_username, ann.user.username);
      assert.equal(b.nickname, ann.user.username.split('@')[0]);
      assert.equal(b.name, 'Ann Lee');
      assert.equal(b.given_name, 'Ann');
      assert.equal(b.family_name, 'Lee');
      assert.equal(b.email, 'ann@example.com');
      assert.equal(b.email_verified, false);
      assert.equal(b.active, true);
      assert.equal(b.user_type, 'STANDARD');
      assert.equal(b.zoneinfo, 'GMT');
      assert.equal(b.locale, 'en_US');
      assert.equal(b.language, 'en_US');
      assert.equal(b.utcOffset, 0);
      assert.equal(b.is_app_installed, true);
      assert.match(b.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // URL templates keep the literal {version}.
      assert.equal(b.urls.rest, `${s.url}/services/data/v{version}/`);
      assert.equal(b.urls.sobjects, `${s.url}/services/data/v{version}/sobjects/`);
      assert.equal(b.urls.query, `${s.url}/services/data/v{version}/query/`);
      assert.equal(b.urls.partner, `${s.url}/services/Soap/u/{version}/${s.ctx.orgId.slice(0, 15)}`);
      assert.equal(b.urls.custom_domain, s.url);
    });

    test('userinfo leaves out claims the user has no value for', async () => {
      const bare = await mint(s, ['id']);
      const r = await s.get(USERINFO, { authorization: `Bearer ${bare.token}` });
      assert.equal(r.status, 200);
      assert.equal(r.body.name, bare.user.username);
      for (const k of ['email', 'email_verified', 'given_name', 'family_name'])
        assert.equal(k in r.body, false, k);
    });

    test('the identity URL returns the Salesforce identity document', async () => {
      const r = await s.get(idPath, { authorization: `Bearer ${ann.token}` });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
      const b = r.body;
      assert.equal(b.id, ann.id);
      assert.equal(b.asserted_user, true);
      assert.equal(b.user_id, ann.user.id);
      assert.equal(b.organization_id, s.ctx.orgId);
      assert.equal(b.username, ann.user.username);
      assert.equal(b.display_name, 'Ann Lee');
      assert.equal(b.first_name, 'Ann');
      assert.equal(b.last_name, 'Lee');
      assert.equal(b.email, 'ann@example.com');
      assert.equal(b.mobile_phone, null);
      assert.deepEqual(b.photos, { picture: null, thumbnail: null });
      assert.deepEqual(b.status, { created_date: null, body: null });
      assert.equal(b.active, true);
      assert.equal(b.user_type, 'STANDARD');
      assert.match(b.last_modified_date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      assert.equal(b.urls.rest, `${s.url}/services/data/v{version}/`);
    });

    test('identity `version` fills the templates; an unknown version is 404', async () => {
      const latest = await s.get(`${idPath}?version=latest`, { authorization: `Bearer ${ann.token}` });
      assert.equal(latest.body.urls.rest, `${s.url}/services/data/v62.0/`);
      const v60 = await s.get(`${idPath}?version=60.0`, { authorization: `Bearer ${ann.token}` });
      assert.equal(v60.body.urls.enterprise, `${s.url}/services/Soap/c/60.0/${s.ctx.orgId.slice(0, 15)}`);
      const bad = await s.get(`${idPath}?version=99.0`, { authorization: `Bearer ${ann.token}` });
      assert.equal(bad.status, 404);
      assert.equal(bad.text, NOT_FOUND);
    });

    test('15-character ids address the same identity', async () => {
      const path = `/id/${s.ctx.orgId.slice(0, 15)}/${ann.user.id.slice(0, 15)}`;
      const r = await s.get(path, { authorization: `Bearer ${ann.token}` });
      assert.equal(r.status, 200);
      assert.equal(r.body.id, ann.id);
    });

    test("another user's identity URL is 403, whether or not that user exists", async () => {
      const bob = await s.newUser();
      for (const userId of [bob.id, '005000000000000AAA']) {
        const r = await s.get(`/id/${s.ctx.orgId}/${userId}`, { authorization: `Bearer ${ann.token}` });
        assert.equal(r.status, 403);
        assert.deepEqual(r.body, [
          { message: "This token may only read its own user's identity", errorCode: 'INSUFFICIENT_ACCESS' },
        ]);
        assert.equal(r.headers.get('www-authenticate'), null, 'not a token or scope problem');
      }
    });

    test('an identity URL in another org is 404; without a token it is 401 first', async () => {
      const r = await s.get(`/id/00D000000000000AAA/${ann.user.id}`, {
        authorization: `Bearer ${ann.token}`,
      });
      assert.equal(r.status, 404);
      assert.equal(r.text, NOT_FOUND);
      const anon = await s.get(`/id/00D000000000000AAA/${ann.user.id}`);
      assert.equal(anon.status, 401);
      assert.equal(anon.text, INVALID_SESSION);
      assert.equal(anon.headers.get('www-authenticate'), 'Bearer realm="s2s-oauth"');
    });

    test('no token and a bad token on userinfo and identity: 401 INVALID_SESSION_ID', async () => {
      for (const path of [USERINFO, idPath]) {
        const none = await s.get(path);
        assert.equal(none.status, 401);
        assert.equal(none.text, INVALID_SESSION);
        assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="s2s-oauth"');
        const bad = await s.get(path, { authorization: 'Bearer nope' });
        assert.equal(bad.status, 401);
        assert.equal(bad.text, INVALID_SESSION);
        assert.equal(bad.headers.get('www-authenticate'), 'Bearer realm="s2s-oauth", error="invalid_token"');
      }
    });

    test('scopes: api opens identity; a token with neither api nor an identity scope is 403 scope="id"', async () => {
      const apiOnly = await mint(s, ['api']);
      assert.equal((await s.get(USERINFO, { authorization: `Bearer ${apiOnly.token}` })).status, 200);
      const webOnly = await mint(s, ['web', 'refresh_token']);
      for (const path of [USERINFO, new URL(webOnly.id).pathname]) {
        const r = await s.get(path, { authorization: `Bearer ${webOnly.token}` });
        assert.equal(r.status, 403);
        assert.equal(
          r.headers.get('www-authenticate'),
          'Bearer realm="s2s-oauth", error="insufficient_scope", scope="id"',
        );
        assert.deepEqual(r.body, [
          {
            message: 'This session is not valid for use with the identity service',
            errorCode: 'INSUFFICIENT_SCOPE',
          },
        ]);
      }
    });

    test('Salesforce`s oauth_token query parameter works on both endpoints', async () => {
      const q = `?format=json&oauth_token=${encodeURIComponent(ann.token)}`;
      const info = await s.get(USERINFO + q);
      assert.equal(info.status, 200);
      assert.equal(info.body.user_id, ann.user.id);
      const id = await s.get(idPath + q);
      assert.equal(id.status, 200);
      assert.equal(id.body.id, ann.id);
    });

    test('header plus oauth_token: the header wins (jsforce identity() sends both, and a stale one after refresh)', async () => {
      const same = await s.get(`${idPath}?oauth_token=${encodeURIComponent(ann.token)}`, {
        authorization: `Bearer ${ann.token}`,
      });
      assert.equal(same.status, 200);
      const stale = await s.get(`${idPath}?oauth_token=stale`, { authorization: `Bearer ${ann.token}` });
      assert.equal(stale.status, 200);
      const badHeader = await s.get(`${idPath}?oauth_token=${encodeURIComponent(ann.token)}`, {
        authorization: 'Bearer stale',
      });
      assert.equal(badHeader.status, 401);
      assert.equal(badHeader.text, INVALID_SESSION);
    });

    test('oauth_token sent twice is 400 invalid_request', async () => {
      const t = encodeURIComponent(ann.token);
      const r = await s.get(`${USERINFO}?oauth_token=${t}&oauth_token=${t}`);
      assertInvalidRequest(r, 'oauth_token was sent more than once');
    });

    test('POST userinfo takes the token in the form body (RFC 6750 §2.2)', async () => {
      const res = await postForm(s, USERINFO, `access_token=${encodeURIComponent(ann.token)}`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { user_id: string }).user_id, ann.user.id);
      const hdr = await s.form(USERINFO, {}, { authorization: `Bearer ${ann.token}` });
      assert.equal(hdr.status, 200);
    });

    test('a token in more than one way is 400 invalid_request (RFC 6750 §2)', async () => {
      const t = encodeURIComponent(ann.token);
      const both = await s.form(
        USERINFO,
        { access_token: ann.token },
        { authorization: `Bearer ${ann.token}` },
      );
      assertInvalidRequest(both, 'the access token must be sent in exactly one way');
      const bodyAndQuery = await postForm(s, `${USERINFO}?oauth_token=${t}`, `access_token=${t}`);
      assertInvalidRequest(
        {
          status: bodyAndQuery.status,
          headers: bodyAndQuery.headers,
          body: await bodyAndQuery.json(),
          text: '',
        },
        'the access token must be sent in exactly one way',
      );
      const query = await s.get(`${USERINFO}?access_token=${t}`, { authorization: `Bearer ${ann.token}` });
      assertInvalidRequest(query, 'access tokens must not be sent in the URL query');
      const twice = await postForm(s, USERINFO, `access_token=${t}&access_token=${t}`);
      assert.equal(twice.status, 400);
      assert.deepEqual(await twice.json(), [
        { message: 'parameter access_token was sent more than once', errorCode: 'INVALID_REQUEST' },
      ]);
    });

    test('format=json is served; any other format is 406 NOT_ACCEPTABLE', async () => {
      const json = await s.get(`${USERINFO}?format=json`, { authorization: `Bearer ${ann.token}` });
      assert.equal(json.status, 200);
      const xml = await s.get(`${idPath}?format=xml`, { authorization: `Bearer ${ann.token}` });
      assert.equal(xml.status, 406);
      assert.deepEqual(xml.body, [{ message: 'Only format=json is supported', errorCode: 'NOT_ACCEPTABLE' }]);
    });
  });
}
