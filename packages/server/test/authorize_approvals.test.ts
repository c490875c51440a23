// The approvals a user gave through consent: the "Connected apps" page lists them and revokes
// one (CSRF-protected); the admin API lists and deletes the same records. Revoking stops the
// app's access tokens and refresh tokens for the user, and later JWT bearer grants.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { grantAssertion, JWT_BEARER, makeKey, type TestKey } from './assertions.ts';
import {
  Browser,
  type Client,
  codeClient,
  exchange,
  formFields,
  obtainCode,
  signIn,
} from './authorize_flow.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const APPROVALS = '/services/oauth2/approvals';
const REVOKE = '/services/oauth2/approvals/revoke';

for (const kind of DB_KINDS) {
  describe(`approvals page and admin approvals (${kind})`, () => {
    let s: TestServer;
    let key: TestKey;

    before(async () => {
      s = await startTestServer(kind);
      key = await makeKey('ec256');
    });
    after(() => s.stop());

    const userinfo = (token: string) =>
      s.get('/services/oauth2/userinfo', { authorization: `Bearer ${token}` });
    const refresh = (c: Client, token: string) =>
      s.form(
        '/services/oauth2/token',
        { grant_type: 'refresh_token', refresh_token: token },
        { authorization: basic(c.app.clientId, c.secret) },
      );
    const jwtGrant = (c: Client) =>
      s.form('/services/oauth2/token', {
        grant_type: JWT_BEARER,
        assertion: grantAssertion(s, {
          clientId: c.app.clientId,
          clientSecret: c.secret,
          key,
          username: c.user.username,
          userId: c.user.id,
        }),
      });

    /** An all_users app with a certificate, approved by its user through consent, and tokens from a code. */
    async function approved() {
      const c = await codeClient(s, { app: { certificates: [key.certificatePem] } });
      const { code, browser } = await obtainCode(s, c, { scope: 'api refresh_token' });
      const tokens = await exchange(s, c, { code });
      assert.equal(tokens.status, 200, tokens.text);
      return { c, browser, tokens: tokens.body as { access_token: string; refresh_token: string } };
    }

    test('the page lists the signed-in user’s apps with scopes in words; nobody else’s', async () => {
      const a = await approved();
      // A second app approved by the same user, and one by someone else.
      const second = await codeClient(s, { app: { name: 'Reporting Tool', scopes: ['api', 'id'] } });
      second.user = a.c.user;
      await obtainCode(s, second, { scope: 'id' }, a.browser);
      await approved();
      const page = await a.browser.get(APPROVALS);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      const names = [...page.text.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
      assert.deepEqual(names, [a.c.app.name, 'Reporting Tool']);
      assert.match(
        page.text,
        /See your identity: username, name and organization<span class="scope-name">id<\/span>/,
      );
      assert.match(page.text, /Signed in as <strong>[^<]+<\/strong>/);
    });

    test('not signed in: the approvals page is the sign-in page, and continues to the list', async () => {
      const a = await approved();
      const b = new Browser(s.url);
      const page = await b.get(APPROVALS);
      assert.match(page.text, /Sign in to see and manage the applications you have allowed\./);
      const after = await signIn(b, page, a.c.user.username);
      assert.equal(after.location, APPROVALS);
      assert.match((await b.get(APPROVALS)).text, new RegExp(`<h2>${a.c.app.name}</h2>`));
    });

    test('Revoke: the approval goes, its access and refresh tokens stop, and the JWT bearer grant is refused', async () => {
      const a = await approved();
      assert.equal((await jwtGrant(a.c)).status, 200, 'the consent approval lets the JWT bearer grant in');
      const page = await a.browser.get(APPROVALS);
      const fields = formFields(page.text, REVOKE);
      const r = await a.browser.post(REVOKE, fields);
      assert.equal(r.status, 303);
      assert.equal(r.location, `${APPROVALS}?revoked=1`);
      const list = await a.browser.get(r.location!);
      assert.match(list.text, /<p class="ok" role="status">Access revoked\.<\/p>/);
      assert.match(list.text, /You have not allowed any application to access your account\./);
      assert.equal(await s.ctx.store.approvals.find(a.c.app.id, a.c.user.id), undefined);
      assert.equal((await userinfo(a.tokens.access_token)).status, 401);
      const rt = await refresh(a.c, a.tokens.refresh_token);
      assert.equal(rt.status, 400);
      assert.equal(rt.body.error, 'invalid_grant');
      const jwt = await jwtGrant(a.c);
      assert.equal(jwt.status, 400);
      assert.deepEqual(jwt.body, {
        error: 'invalid_grant',
        error_description: "user hasn't approved this consumer",
      });
    });

    test('Revoke without the CSRF token is 403; another user’s approval is 404; both leave it in place', async () => {
      const a = await approved();
      const b = await approved();
      const fields = formFields((await a.browser.get(APPROVALS)).text, REVOKE);
      const noCsrf = await a.browser.post(REVOKE, { approval: fields.approval! });
      assert.equal(noCsrf.status, 403);
      const wrong = await a.browser.post(REVOKE, { ...fields, csrf: 'nope' });
      assert.equal(wrong.status, 403);
      const bApproval = await s.ctx.store.approvals.find(b.c.app.id, b.c.user.id);
      assert.ok(bApproval);
      const foreign = await a.browser.post(REVOKE, { csrf: fields.csrf!, approval: bApproval.id });
      assert.equal(foreign.status, 404);
      assert.ok(await s.ctx.store.approvals.find(a.c.app.id, a.c.user.id));
      assert.ok(await s.ctx.store.approvals.find(b.c.app.id, b.c.user.id));
      assert.equal((await userinfo(b.tokens.access_token)).status, 200);
    });

    test('the admin API lists the consent approval and DELETE revokes it with its tokens', async () => {
      const a = await approved();
      const list = await s.admin('GET', `/admin/v1/approvals?clientId=${a.c.app.clientId}`);
      assert.equal(list.status, 200);
      assert.equal(list.body.length, 1);
      assert.deepEqual(
        { username: list.body[0].username, scopes: list.body[0].scopes, source: list.body[0].source },
        { username: a.c.user.username, scopes: ['api', 'refresh_token'], source: 'consent' },
      );
      assert.equal((await s.admin('DELETE', `/admin/v1/approvals/${list.body[0].id}`)).status, 204);
      assert.equal((await userinfo(a.tokens.access_token)).status, 401);
      assert.equal((await refresh(a.c, a.tokens.refresh_token)).status, 400);
      assert.equal((await jwtGrant(a.c)).status, 400);
      const page = await a.browser.get(APPROVALS);
      assert.match(page.text, /You have not allowed any application/);
    });
  });
}
