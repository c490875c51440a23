// Console sign-in and sessions: only a System Administrator user (by password) or the admin
// token gets in; the session cookie is the console's own (Path=/console, HttpOnly,
// SameSite=Strict) on the browser-session store; every form needs the session's CSRF token
// (403 without); sign-in replaces the session and continues only to a console page; a user
// who stops being an administrator, or a replaced admin token, ends the session.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ADMIN_TOKEN_SETTING } from '../src/bootstrap.ts';
import { sha256Hex } from '../src/domain/hashing.ts';
import { consoleCallerKey } from '../src/http/admin/console_caller.ts';
import { ADDRESS_LIMIT, LOGIN_WINDOW_MS } from '../src/oauth/authorization/login.ts';
import { ConsoleBrowser, PASSWORD, signedInAdmin, signedInWithToken } from './console_client.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const LOGIN = '/console/login';

for (const kind of DB_KINDS) {
  describe(`console: sign-in, sessions and CSRF (${kind})`, () => {
    let s: TestServer;
    let now = 1_900_000_000_000;

    before(async () => {
      s = await startTestServer(kind, { now: () => now });
    });
    // Each test starts after the throttling window of the previous one.
    beforeEach(() => {
      now += LOGIN_WINDOW_MS + 1;
    });
    after(() => s.stop());

    test('a console page without a session goes to the sign-in page and back after it', async () => {
      const b = new ConsoleBrowser(s.url);
      const r = await b.get('/console/users?x=1');
      assert.equal(r.status, 302);
      assert.equal(r.location, `${LOGIN}?next=%2Fconsole%2Fusers%3Fx%3D1`);
      const login = await b.get(r.location!);
      assert.equal(login.status, 200);
      assert.match(login.text, /<h2 id="h-user">Admin user<\/h2>/);
      assert.match(login.text, /<h2 id="h-token">Admin token<\/h2>/);
      assert.ok(login.text.includes('value="/console/users?x=1"'));
      const user = await s.newUser({ password: PASSWORD, profile: 'System Administrator' });
      const done = await b.post(LOGIN, {
        how: 'user',
        next: '/console/users?x=1',
        username: user.username,
        password: PASSWORD,
      });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/console/users?x=1');
      const page = await b.get('/console/users');
      assert.equal(page.status, 200);
      assert.match(
        page.text,
        new RegExp(`Signed in as <strong>${user.username.replace(/\./g, '\\.')}</strong>`),
      );
      assert.equal((await b.get('/console')).location, '/console/apps');
      const missing = await b.get('/console/no/such/page');
      assert.equal(missing.status, 404);
      assert.match(missing.text, /There is no such page in the console\./);
    });

    test('the cookie and the page headers', async () => {
      const b = new ConsoleBrowser(s.url);
      const res = await fetch(`${s.url}${LOGIN}`);
      const cookie = res.headers.getSetCookie()[0] ?? '';
      assert.match(
        cookie,
        /^s2s_console=a\.[A-Za-z0-9_-]{43}; Path=\/console; Max-Age=1800; HttpOnly; SameSite=Strict$/,
      );
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(
        res.headers.get('content-security-policy'),
        "default-src 'none'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      const { b: admin } = await signedInAdmin(s);
      assert.match(admin.cookies.get('s2s_console') ?? '', /^u\./);
      const css = await b.get('/console/assets/console.css');
      assert.equal(css.status, 200);
      assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
      const js = await b.get('/console/assets/console.js');
      assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    });

    test('signing in replaces the session (no fixation); signing out ends it', async () => {
      const b = new ConsoleBrowser(s.url);
      await b.get(LOGIN);
      const before = b.cookies.get('s2s_console');
      const user = await s.newUser({ password: PASSWORD, profile: 'System Administrator' });
      await b.post(LOGIN, { how: 'user', username: user.username, password: PASSWORD });
      const signedIn = b.cookies.get('s2s_console');
      assert.ok(signedIn && signedIn !== before);
      // The pre-sign-in session is gone: its cookie no longer opens anything.
      const old = new ConsoleBrowser(s.url);
      old.cookies.set('s2s_console', before!);
      assert.equal((await old.get('/console/apps')).status, 302);
      await b.get('/console/apps');
      const out = await b.post('/console/logout', {});
      assert.equal(out.status, 303);
      assert.equal(out.location, `${LOGIN}?signedout=1`);
      assert.equal(b.cookies.has('s2s_console'), false);
      const replay = new ConsoleBrowser(s.url);
      replay.cookies.set('s2s_console', signedIn);
      assert.equal((await replay.get('/console/apps')).status, 302);
      assert.match((await b.get(`${LOGIN}?signedout=1`)).text, /You are signed out\./);
    });

    test('only a System Administrator signs in with a password; others get the same refusal', async () => {
      const standard = await s.newUser({ password: PASSWORD });
      const inactive = await s.newUser({
        password: PASSWORD,
        profile: 'System Administrator',
        active: false,
      });
      const admin = await s.newUser({ password: PASSWORD, profile: 'System Administrator' });
      for (const [username, password] of [
        [standard.username, PASSWORD],
        [inactive.username, PASSWORD],
        [admin.username, 'not the password'],
        ['nobody@example.com', PASSWORD],
      ] as const) {
        const b = new ConsoleBrowser(s.url);
        await b.get(LOGIN);
        const r = await b.post(LOGIN, { how: 'user', username, password });
        assert.equal(r.status, 400, username);
        assert.match(
          r.text,
          /role="alert">Incorrect username or password, or the user is not an administrator\./,
        );
        assert.ok(r.text.includes(`value="${username}"`), 'the username is kept');
        assert.equal(b.cookies.get('s2s_console')?.startsWith('a.'), true);
      }
      const empty = new ConsoleBrowser(s.url);
      await empty.get(LOGIN);
      assert.match(
        (await empty.post(LOGIN, { how: 'user', username: admin.username })).text,
        /Enter your username and password\./,
      );
    });

    test('the admin token signs in; a wrong one does not', async () => {
      const b = await signedInWithToken(s);
      assert.match(b.cookies.get('s2s_console') ?? '', /^t\./);
      assert.match((await b.get('/console/apps')).text, /Signed in as <strong>admin token<\/strong>/);
      const wrong = new ConsoleBrowser(s.url);
      await wrong.get(LOGIN);
      const r = await wrong.post(LOGIN, { how: 'token', token: `${s.adminToken}x` });
      assert.equal(r.status, 400);
      assert.match(r.text, /That is not the admin token\./);
      assert.equal((await wrong.get('/console/apps')).status, 302);
    });

    test('admin-token sign-ins are throttled per address', async () => {
      const b = new ConsoleBrowser(s.url);
      await b.get(LOGIN);
      for (let i = 0; i < ADDRESS_LIMIT; i++) {
        assert.equal((await b.post(LOGIN, { how: 'token', token: `guess-${i}` })).status, 400);
      }
      const r = await b.post(LOGIN, { how: 'token', token: s.adminToken });
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), String(LOGIN_WINDOW_MS / 1000));
      assert.match(r.text, /Too many failed sign-in attempts/);
      now += LOGIN_WINDOW_MS;
      assert.equal((await b.post(LOGIN, { how: 'token', token: s.adminToken })).status, 303);
    });

    test('a form without the session’s CSRF token is refused with 403, and nothing changes', async () => {
      const { b } = await signedInAdmin(s);
      await b.get('/console/users/new');
      const before = (await s.admin('GET', '/admin/v1/users')).body.length;
      for (const csrf of [null, 'forged', (await signedInWithToken(s)).csrf]) {
        const r = await b.post('/console/users', { username: 'csrf@example.com' }, csrf);
        assert.equal(r.status, 403, String(csrf));
        assert.match(r.text, /This form has expired/);
      }
      assert.equal((await s.admin('GET', '/admin/v1/users')).body.length, before);
      // The sign-in form too (login CSRF): a fresh form to try again.
      const fresh = new ConsoleBrowser(s.url);
      await fresh.get(LOGIN);
      const r = await fresh.post(LOGIN, { how: 'token', token: s.adminToken }, 'forged');
      assert.equal(r.status, 403);
      assert.match(r.text, /This sign-in form expired/);
      const out = await b.post('/console/logout', {}, null);
      assert.equal(out.status, 403);
    });

    test('sign-in continues only to a console page', async () => {
      for (const next of [
        'https://evil.example/',
        '//evil.example/console',
        '/console/../admin/v1/users',
        '/services/oauth2/approvals',
        '/console\\@evil',
        '/console/login',
      ]) {
        const b = new ConsoleBrowser(s.url);
        await b.get(`${LOGIN}?next=${encodeURIComponent(next)}`);
        const r = await b.post(LOGIN, { how: 'token', token: s.adminToken, next });
        assert.equal(r.location, '/console/apps', next);
      }
    });

    test('a user who is deactivated or loses the profile is signed out; so is a replaced admin token', async () => {
      const { b, username } = await signedInAdmin(s);
      assert.equal((await b.get('/console/apps')).status, 200);
      await s.admin('PATCH', `/admin/v1/users/${username}`, { profile: 'Standard User' });
      assert.equal((await b.get('/console/apps')).status, 302);
      await s.admin('PATCH', `/admin/v1/users/${username}`, { profile: 'System Administrator' });
      assert.equal((await b.get('/console/apps')).status, 200, 'the session itself lives on');
      await s.admin('PATCH', `/admin/v1/users/${username}`, { active: false });
      assert.equal((await b.get('/console/apps')).status, 302);

      const t = await signedInWithToken(s);
      assert.equal((await t.get('/console/apps')).status, 200);
      const stored = await s.ctx.store.settings.get(ADMIN_TOKEN_SETTING);
      await s.ctx.store.settings.set(ADMIN_TOKEN_SETTING, sha256Hex('a new admin token'));
      assert.equal((await t.get('/console/apps')).status, 302);
      await s.ctx.store.settings.set(ADMIN_TOKEN_SETTING, stored!);
    });

    test('a session cookie cannot change its kind, and the pages’ cookie is not the console’s', async () => {
      const b = new ConsoleBrowser(s.url);
      await b.get(LOGIN);
      const anonymous = b.cookies.get('s2s_console')!;
      for (const forged of [`t${anonymous.slice(1)}`, `u${anonymous.slice(1)}`]) {
        const x = new ConsoleBrowser(s.url);
        x.cookies.set('s2s_console', forged);
        assert.equal((await x.get('/console/apps')).status, 302, forged.slice(0, 2));
      }
      // A signed-in session of the authorization pages does not open the console.
      const user = await s.newUser({ password: PASSWORD, profile: 'System Administrator' });
      const pages = new ConsoleBrowser(s.url);
      await pages.get('/services/oauth2/approvals');
      const login = await pages.post('/services/oauth2/login', {
        username: user.username,
        password: PASSWORD,
        continue: '/services/oauth2/approvals',
      });
      assert.equal(login.status, 303);
      const x = new ConsoleBrowser(s.url);
      x.cookies.set('s2s_console', pages.cookies.get('s2s_sid')!);
      assert.equal((await x.get('/console/apps')).status, 302);
    });

    test('the console’s in-process key never reaches a page, and a guessed one is refused by the API', async () => {
      const b = await signedInWithToken(s);
      const key = consoleCallerKey(s.ctx);
      for (const p of ['/console/apps', '/console/users', '/console/activity', '/console/apps/new']) {
        assert.equal((await b.get(p)).text.includes(key), false, p);
      }
      const r = await fetch(`${s.url}/admin/v1/users`, {
        headers: { 'x-s2s-console-key': `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}` },
      });
      assert.equal(r.status, 401);
    });
  });
}
