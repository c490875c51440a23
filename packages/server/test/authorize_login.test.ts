// The sign-in and session rules of the authorization pages: CSRF (RFC 6749 §10.12) on every
// form — 403 without the session's token — throttling of failed sign-ins per username and
// per address (429 with a clear message), no session fixation, no open redirect after
// sign-in, and sign-out.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ADDRESS_LIMIT, LOGIN_WINDOW_MS, USERNAME_LIMIT } from '../src/oauth/authorization/login.ts';
import {
  authorizeUrl,
  Browser,
  type Client,
  codeClient,
  formFields,
  PASSWORD,
  signIn,
} from './authorize_flow.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const LOGIN = '/services/oauth2/login';
const CONSENT = '/services/oauth2/authorize/consent';

for (const kind of DB_KINDS) {
  describe(`authorization pages: sign-in, CSRF, throttling (${kind})`, () => {
    let s: TestServer;
    let now = 1_900_000_000_000;
    let c: Client;

    before(async () => {
      s = await startTestServer(kind, { now: () => now });
    });
    // Each test starts after the throttling window of the previous one.
    beforeEach(async () => {
      now += LOGIN_WINDOW_MS + 1;
      c = await codeClient(s);
    });
    after(() => s.stop());

    const loginPage = async (b = new Browser(s.url)) => ({ b, page: await b.get(authorizeUrl(c)) });

    test('a wrong password or an unknown user: the same message, 400, and the form again', async () => {
      const { b, page } = await loginPage();
      const wrong = await signIn(b, page, c.user.username, 'not the password');
      assert.equal(wrong.status, 400);
      assert.match(wrong.text, /<div class="error" role="alert">Incorrect username or password\.<\/div>/);
      assert.ok(wrong.text.includes(`value="${c.user.username}"`), 'the username is kept');
      const unknown = await signIn(b, wrong, 'nobody@example.com', 'whatever it is');
      assert.equal(unknown.status, 400);
      assert.match(unknown.text, /Incorrect username or password\./);
      const ok = await signIn(b, unknown, c.user.username);
      assert.equal(ok.status, 303);
    });

    test('an inactive user or one without a password cannot sign in', async () => {
      const inactive = await s.newUser({ password: PASSWORD, active: false });
      const noPassword = await s.newUser();
      for (const u of [inactive, noPassword]) {
        const { b, page } = await loginPage();
        const r = await signIn(b, page, u.username);
        assert.equal(r.status, 400, u.username);
        assert.match(r.text, /Incorrect username or password\./);
      }
    });

    test('sign-in without, or with a wrong, CSRF token or session cookie is 403 and signs nobody in', async () => {
      const { b, page } = await loginPage();
      const fields = formFields(page.text, LOGIN);
      const creds = { username: c.user.username, password: PASSWORD, continue: fields.continue! };
      const variants: [string, Browser, Record<string, string>][] = [
        ['no token', b, creds],
        ['wrong token', b, { ...creds, csrf: 'A'.repeat(43) }],
        ['no cookie', new Browser(s.url), { ...creds, csrf: fields.csrf! }],
      ];
      // A token of another session is wrong too.
      const other = await loginPage();
      variants.push([
        'token of another session',
        b,
        { ...creds, csrf: formFields(other.page.text, LOGIN).csrf! },
      ]);
      for (const [name, browser, body] of variants) {
        const r = await browser.post(LOGIN, body);
        assert.equal(r.status, 403, name);
        assert.equal(r.location, null, name);
        assert.match(r.text, /This sign-in form expired or was not sent from this site/, name);
      }
      // The 403 page is a fresh, working form.
      const retry = await b.get(authorizeUrl(c));
      assert.equal((await signIn(b, retry, c.user.username)).status, 303);
    });

    test('the consent decision without the CSRF token is 403: no redirect, no approval', async () => {
      const b = new Browser(s.url);
      const page = await b.get(authorizeUrl(c));
      const consent = await b.get((await signIn(b, page, c.user.username)).location!);
      const fields = formFields(consent.text, CONSENT);
      for (const csrf of [undefined, 'x', `${fields.csrf}x`]) {
        const body: Record<string, string> = { request: fields.request!, decision: 'allow' };
        if (csrf !== undefined) body.csrf = csrf;
        const r = await b.post(CONSENT, body);
        assert.equal(r.status, 403, String(csrf));
        assert.equal(r.location, null);
        assert.match(r.text, /<h1>This form has expired<\/h1>/);
      }
      // A cross-site form (no cookie: SameSite=Lax withholds it on cross-site POSTs) is refused too.
      assert.equal((await new Browser(s.url).post(CONSENT, { ...fields, decision: 'allow' })).status, 403);
      assert.equal(await s.ctx.store.approvals.find(c.app.id, c.user.id), undefined);
      const ok = await b.post(CONSENT, { ...fields, decision: 'allow' });
      assert.equal(ok.status, 303);
    });

    test(`${USERNAME_LIMIT} failed sign-ins lock the username: 429, a clear message, Retry-After; later it works`, async () => {
      const { b, page } = await loginPage();
      let last = page;
      for (let i = 0; i < USERNAME_LIMIT; i++) {
        last = await signIn(b, last, c.user.username, `wrong ${i}`);
        assert.equal(last.status, 400, `attempt ${i + 1}`);
      }
      // Even the right password is not checked now.
      const locked = await signIn(b, last, c.user.username);
      assert.equal(locked.status, 429);
      assert.equal(locked.headers.get('retry-after'), String(LOGIN_WINDOW_MS / 1000));
      assert.match(
        locked.text,
        /Too many failed sign-in attempts for this account or from your network\. Wait 15 minutes, then try again\./,
      );
      // Another user from the same address is not affected.
      const other = await codeClient(s);
      const { b: b2, page: p2 } = await loginPage();
      assert.equal((await signIn(b2, p2, other.user.username)).status, 303);
      // Sliding window: once the failures are older than the window, sign-in works.
      now += LOGIN_WINDOW_MS - 1;
      assert.equal((await signIn(b, locked, c.user.username)).status, 429);
      now += 1;
      assert.equal((await signIn(b, locked, c.user.username)).status, 303);
    });

    test(`${ADDRESS_LIMIT} failures from one address lock that address for every username`, async () => {
      const { b, page } = await loginPage();
      let last = page;
      for (let i = 0; i < ADDRESS_LIMIT; i++) {
        last = await signIn(b, last, `guess${i}@example.com`, 'guess');
        assert.equal(last.status, 400);
      }
      const locked = await signIn(b, last, c.user.username);
      assert.equal(locked.status, 429);
      now += LOGIN_WINDOW_MS;
      assert.equal((await signIn(b, locked, c.user.username)).status, 303);
    });

    test('parallel guesses are bounded: at most the limit get a password check', async () => {
      const { b, page } = await loginPage();
      const fields = formFields(page.text, LOGIN);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          b.post(LOGIN, { ...fields, username: c.user.username, password: `wrong ${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status);
      assert.ok(statuses.filter((x) => x === 400).length <= USERNAME_LIMIT, statuses.join());
      assert.ok(
        statuses.every((x) => x === 400 || x === 429),
        statuses.join(),
      );
    });

    test('signing in replaces the session (no fixation); the old cookie is signed out', async () => {
      const { b, page } = await loginPage();
      const before = b.cookies.get('s2s_sid');
      const r = await signIn(b, page, c.user.username);
      const after = b.cookies.get('s2s_sid');
      assert.ok(before && after && before !== after);
      assert.match(r.headers.getSetCookie()[0] ?? '', /Max-Age=7200; HttpOnly; SameSite=Lax$/);
      const old = new Browser(s.url);
      old.cookies.set('s2s_sid', before);
      const stale = await old.get(authorizeUrl(c));
      assert.match(stale.text, /<h1>Sign in<\/h1>/, 'the pre-sign-in cookie is worth nothing');
    });

    test('after sign-in only an authorization request or the approvals page is a destination', async () => {
      for (const target of [
        'https://evil.example/',
        '//evil.example/x',
        '/services/oauth2/token',
        '/admin/v1/users',
      ]) {
        const { b, page } = await loginPage();
        const fields = formFields(page.text, LOGIN);
        const r = await b.post(LOGIN, {
          ...fields,
          continue: target,
          username: c.user.username,
          password: PASSWORD,
        });
        assert.equal(r.status, 303);
        assert.equal(r.location, '/services/oauth2/approvals', target);
      }
    });

    test('sign out (CSRF-protected) ends the session', async () => {
      const b = new Browser(s.url);
      await signIn(b, await b.get('/services/oauth2/approvals'), c.user.username);
      const page = await b.get('/services/oauth2/approvals');
      assert.match(page.text, /<h1>Connected apps<\/h1>/);
      const fields = formFields(page.text, '/services/oauth2/logout');
      assert.equal((await b.post('/services/oauth2/logout', {})).status, 403);
      const out = await b.post('/services/oauth2/logout', fields);
      assert.equal(out.status, 303);
      assert.match(out.headers.getSetCookie()[0] ?? '', /^s2s_sid=; Path=\/services\/oauth2; Max-Age=0;/);
      assert.match((await b.get('/services/oauth2/approvals')).text, /<h1>Sign in<\/h1>/);
    });
  });
}
