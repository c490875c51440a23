// Consent and the code it yields (RFC 6749 §4.1.1–4.1.2, §4.1.2.1): the consent page, the exact
// redirect with the code, the approval it records, the token response and its refresh token,
// Deny, an earlier approval that skips the page, and admin_approved apps.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  authorizeUrl,
  Browser,
  CALLBACK,
  type Client,
  codeClient,
  exchange,
  formFields,
  obtainCode,
  pkce,
  signIn,
} from './authorize_flow.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const T0 = 1_900_000_000_000;
const USERINFO = '/services/oauth2/userinfo';

for (const kind of DB_KINDS) {
  describe(`authorization code: consent (${kind})`, () => {
    let s: TestServer;
    let now = T0;
    let c: Client;

    before(async () => {
      s = await startTestServer(kind, { now: () => now });
    });
    beforeEach(async () => {
      now += 3_600_000;
      c = await codeClient(s);
    });
    after(() => s.stop());

    const userinfo = (token: string) => s.get(USERINFO, { authorization: `Bearer ${token}` });
    const refresh = (token: string) =>
      s.form(
        '/services/oauth2/token',
        { grant_type: 'refresh_token', refresh_token: token },
        { authorization: basic(c.app.clientId, c.secret) },
      );

    test('sign in, consent page names the app and the scopes in words, Allow redirects with the code', async () => {
      const b = new Browser(s.url);
      const login = await b.get(authorizeUrl(c, { scope: 'api refresh_token' }));
      const back = await signIn(b, login, c.user.username);
      assert.equal(back.status, 303);
      const consent = await b.get(back.location!);
      assert.equal(consent.status, 200);
      assert.match(
        consent.text,
        new RegExp(`Allow <span class="app-name">${c.app.name}</span> to access your account`),
      );
      assert.match(
        consent.text,
        /Access and manage your data through the API<span class="scope-name">api<\/span>/,
      );
      assert.match(
        consent.text,
        /perform requests at any time\)<span class="scope-name">refresh_token<\/span>/,
      );
      assert.match(consent.text, /<button type="submit" name="decision" value="deny">Deny<\/button>/);
      assert.match(consent.text, /name="decision" value="allow" class="primary">Allow<\/button>/);
      const fields = formFields(consent.text, '/services/oauth2/authorize/consent');
      const allowed = await b.post('/services/oauth2/authorize/consent', { ...fields, decision: 'allow' });
      assert.equal(allowed.status, 303);
      const loc = new URL(allowed.location!);
      const code = loc.searchParams.get('code')!;
      assert.match(code, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(
        allowed.location,
        `${CALLBACK}?code=${code}&state=st-123&iss=${encodeURIComponent(s.url)}`,
      );
      assert.equal(allowed.headers.get('referrer-policy'), 'no-referrer');
      // The approval is recorded: user, app, scopes, time — and the admin API shows it.
      const approvals = await s.admin(
        'GET',
        `/admin/v1/approvals?username=${encodeURIComponent(c.user.username)}`,
      );
      assert.equal(approvals.status, 200);
      assert.equal(approvals.body.length, 1);
      assert.deepEqual(
        {
          clientId: approvals.body[0].clientId,
          scopes: approvals.body[0].scopes,
          source: approvals.body[0].source,
        },
        { clientId: c.app.clientId, scopes: ['api', 'refresh_token'], source: 'consent' },
      );
      assert.equal(approvals.body[0].createdAt, new Date(now).toISOString());
      // The code is stored only as a hash.
      assert.equal(await s.ctx.store.authorizationCodes.findByHash(code), undefined);
    });

    test('the token response: access token, refresh token (refresh_token scope), Salesforce fields', async () => {
      const { verifier, challenge } = pkce();
      const { code } = await obtainCode(s, c, {
        scope: 'api refresh_token',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const r = await exchange(s, c, { code, code_verifier: verifier });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.deepEqual(Object.keys(r.body).sort(), [
        'access_token',
        'expires_in',
        'id',
        'instance_url',
        'issued_at',
        'refresh_token',
        'scope',
        'signature',
        'token_type',
      ]);
      assert.equal(r.body.scope, 'api refresh_token');
      assert.equal(r.body.token_type, 'Bearer');
      assert.equal(r.body.instance_url, s.url);
      assert.equal(r.body.id, `${s.url}/id/${s.ctx.orgId}/${c.user.id}`);
      assert.equal(r.body.issued_at, String(now));
      assert.equal((await userinfo(r.body.access_token)).status, 200);
      // The refresh token works (the colleague's grant), and the record says authorization_code.
      const refreshed = await refresh(r.body.refresh_token);
      assert.equal(refreshed.status, 200, refreshed.text);
      const audit = await s.admin('GET', `/admin/v1/audit?clientId=${c.app.clientId}`);
      assert.ok(
        audit.body.some(
          (e: { grantType: string; result: string }) =>
            e.grantType === 'authorization_code' && e.result === 'success',
        ),
      );
    });

    test('no refresh token without refresh_token/offline_access; offline_access gives one', async () => {
      const { code } = await obtainCode(s, c, { scope: 'api' });
      const r = await exchange(s, c, { code });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.refresh_token, undefined);
      assert.equal(r.body.scope, 'api');
      const off = await codeClient(s, { app: { scopes: ['api', 'offline_access'] } });
      const { code: code2 } = await obtainCode(s, off, { scope: 'offline_access' });
      const r2 = await exchange(s, off, { code: code2 });
      assert.equal(r2.status, 200, r2.text);
      assert.match(r2.body.refresh_token, /^5Aep861/);
    });

    test('Deny redirects with access_denied and state, and records nothing', async () => {
      const b = new Browser(s.url);
      const login = await b.get(authorizeUrl(c, { scope: 'api' }));
      const consent = await b.get((await signIn(b, login, c.user.username)).location!);
      const fields = formFields(consent.text, '/services/oauth2/authorize/consent');
      const r = await b.post('/services/oauth2/authorize/consent', { ...fields, decision: 'deny' });
      assert.equal(r.status, 303);
      assert.equal(
        r.location,
        `${CALLBACK}?error=access_denied&error_description=${encodeURIComponent('end-user denied authorization')}&state=st-123&iss=${encodeURIComponent(s.url)}`,
      );
      assert.equal(await s.ctx.store.approvals.find(c.app.id, c.user.id), undefined);
    });

    test('an approval covering the scopes skips the consent page; prompt=consent asks again', async () => {
      const { browser } = await obtainCode(s, c, { scope: 'api refresh_token' });
      const again = await browser.get(authorizeUrl(c, { scope: 'api', state: 'second' }));
      assert.equal(again.status, 302);
      const loc = new URL(again.location!);
      assert.equal(loc.searchParams.get('state'), 'second');
      assert.ok(loc.searchParams.get('code'));
      const wider = await browser.get(authorizeUrl(c, { scope: 'api id' }));
      assert.equal(wider.status, 200, 'a scope not yet approved asks');
      assert.match(wider.text, /See your identity/);
      const forced = await browser.get(authorizeUrl(c, { scope: 'api', prompt: 'consent' }));
      assert.equal(forced.status, 200);
      assert.match(forced.text, /value="allow"/);
    });

    test('admin_approved: a pre-authorized user skips consent; anyone else is refused', async () => {
      const pre = await codeClient(s, { app: { permittedUsers: 'admin_approved' } });
      const add = await s.admin('POST', `/admin/v1/apps/${pre.app.clientId}/preauthorizations`, {
        username: pre.user.username,
      });
      assert.equal(add.status, 201);
      const b = new Browser(s.url);
      const login = await b.get(authorizeUrl(pre, { scope: 'api refresh_token' }));
      const back = await signIn(b, login, pre.user.username);
      const r = await b.get(back.location!);
      assert.equal(r.status, 302, 'no consent page');
      const code = new URL(r.location!).searchParams.get('code')!;
      assert.equal(
        await s.ctx.store.approvals.find(pre.app.id, pre.user.id),
        undefined,
        'no approval recorded',
      );
      const t = await exchange(s, pre, { code });
      assert.equal(t.status, 200, t.text);
      assert.ok(t.body.refresh_token);

      const other = await s.newUser({ password: 'another long password' });
      const b2 = new Browser(s.url);
      const login2 = await b2.get(authorizeUrl(pre));
      const back2 = await signIn(b2, login2, other.username, 'another long password');
      const refused = await b2.get(back2.location!);
      assert.equal(refused.status, 302);
      assert.equal(
        refused.location,
        `${CALLBACK}?error=access_denied&error_description=${encodeURIComponent('user is not admin approved to access this app')}&state=st-123&iss=${encodeURIComponent(s.url)}`,
      );
    });
  });
}
