// Console users: list, create (the API's errors next to the field), deactivate after a
// confirmation (the user's tokens stop working), activate, a new password, and the user's
// approvals with Revoke (confirmed; the app's tokens for the user are revoked too).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../src/oauth/authorization/login.ts';
import { type ConsoleBrowser, fieldError, signedInAdmin } from './console_client.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

for (const kind of DB_KINDS) {
  describe(`console: users and their approvals (${kind})`, () => {
    let s: TestServer;
    let b: ConsoleBrowser;

    before(async () => {
      s = await startTestServer(kind);
      ({ b } = await signedInAdmin(s));
      await b.get('/console/users/new');
    });
    after(() => s.stop());

    test('create: errors next to the field, values kept; then the user’s page and the list', async () => {
      const fields = {
        username: 'sync.bot@example.com',
        firstName: 'Sync',
        lastName: 'Bot <3',
        profile: 'Integration',
        active: 'on',
      };
      const cases: [Record<string, string>, string, string, number][] = [
        [{ username: 'two words' }, 'f-username', 'Must not contain spaces or control characters.', 400],
        [{ password: 'short' }, 'f-password', 'Must be 8 to 256 characters.', 400],
        [{ profile: 'x'.repeat(81) }, 'f-profile', 'Must be 1 to 80 characters.', 400],
      ];
      for (const [change, id, message, status] of cases) {
        const r = await b.post('/console/users', { ...fields, ...change });
        assert.equal(r.status, status, id);
        assert.equal(fieldError(r.text, id), message, id);
        assert.ok(r.text.includes('value="Bot &lt;3"'), 'values are kept');
        assert.equal(r.text.includes('value="short"'), false, 'a password is never echoed');
      }
      const ok = await b.post('/console/users', { ...fields, password: 'long enough password' });
      assert.equal(ok.status, 303);
      assert.match(ok.location ?? '', /^\/console\/users\/005\w{15}\?done=created$/);
      const page = await b.follow(ok);
      assert.match(page.text, /role="status">User created\./);
      assert.match(page.text, /<dt>Name<\/dt><dd>Sync Bot &lt;3<\/dd>/);
      assert.match(page.text, /<dt>Profile<\/dt><dd>Integration<\/dd>/);
      const taken = await b.post('/console/users', fields);
      assert.equal(taken.status, 409);
      assert.equal(fieldError(taken.text, 'f-username'), 'Username is already taken.');
      const list = await b.get('/console/users');
      assert.match(list.text, /<a href="\/console\/users\/005\w{15}">sync\.bot@example\.com<\/a>/);
      // Unticked "Active": created inactive.
      const inactive = await b.post('/console/users', { username: 'dormant@example.com' });
      assert.equal(inactive.status, 303);
      assert.equal((await s.admin('GET', '/admin/v1/users/dormant@example.com')).body.active, false);
    });

    test('deactivate after confirmation (tokens stop working); activate; a new password', async () => {
      const user = await s.newUser({ password: 'first password 1' });
      const { app, clientSecret } = await s.newApp({
        clientCredentials: { enabled: true, runAs: user.username },
      });
      const token = await s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(app.clientId, clientSecret) },
      );
      const access = token.body.access_token as string;
      const me = () => s.get('/services/oauth2/userinfo', { authorization: `Bearer ${access}` });
      assert.equal((await me()).status, 200);

      const page = `/console/users/${user.id}`;
      const shown = await b.get(page);
      assert.ok(shown.text.includes(`href="${page}/deactivate">Deactivate user</a>`));
      const confirm = await b.get(`${page}/deactivate`);
      assert.match(confirm.text, /the tokens issued to them stop\s+working at once/);
      assert.equal((await b.post(`${page}/deactivate`, {})).status, 200, 'asked again without confirm=yes');
      assert.equal((await me()).status, 200);
      const done = await b.post(`${page}/deactivate`, { confirm: 'yes' });
      assert.equal(done.location, `${page}?done=deactivated`);
      assert.equal((await me()).status, 401);
      const inactive = await b.follow(done);
      assert.match(inactive.text, /User deactivated\./);
      assert.ok(inactive.text.includes(`action="${page}/activate"`));
      assert.equal((await b.post(`${page}/activate`, {})).location, `${page}?done=activated`);
      assert.equal((await s.admin('GET', `/admin/v1/users/${user.id}`)).body.active, true);

      const short = await b.post(`${page}/password`, { password: 'short' });
      assert.equal(short.status, 400);
      assert.equal(fieldError(short.text, 'f-pw-password'), 'Must be 8 to 256 characters.');
      const set = await b.post(`${page}/password`, { password: 'second password 2' });
      assert.equal(set.location, `${page}?done=password`);
      const address = '192.0.2.1';
      assert.equal(
        (await signIn(s.ctx, { username: user.username, password: 'second password 2', address })).ok,
        true,
      );
      assert.equal(
        (await signIn(s.ctx, { username: user.username, password: 'first password 1', address })).ok,
        false,
      );
    });

    test('approvals: listed on the user’s page; Revoke is confirmed and revokes the app’s tokens', async () => {
      const user = await s.newUser();
      const { app } = await s.newApp({ name: 'Approved <app>', scopes: ['api', 'id'] });
      const created = await s.admin('POST', '/admin/v1/approvals', {
        clientId: app.clientId,
        username: user.username,
        scopes: ['api'],
      });
      assert.equal(created.status, 201);
      const page = `/console/users/${user.id}`;
      const shown = await b.get(page);
      assert.match(shown.text, /<a href="\/console\/apps\/[^"]+">Approved &lt;app&gt;<\/a>/);
      assert.match(shown.text, /<td data-label="Given by">an admin<\/td>/);
      const revokePath = `${page}/approvals/${created.body.id}/revoke`;
      assert.match((await b.get(revokePath)).text, /<strong>Approved &lt;app&gt;<\/strong> loses its access/);
      assert.equal((await b.post(revokePath, {}, null)).status, 403);
      const done = await b.post(revokePath, { confirm: 'yes' });
      assert.equal(done.location, `${page}?done=revoked#approvals`);
      assert.equal(
        (await s.admin('GET', `/admin/v1/approvals?username=${encodeURIComponent(user.username)}`)).body
          .length,
        0,
      );
      assert.match((await b.follow(done)).text, /No approvals: the user has not allowed any app\./);
      assert.equal((await b.get(revokePath)).status, 404);
    });

    test('an unknown user is a 404 page', async () => {
      const r = await b.get('/console/users/005000000000000AAA');
      assert.equal(r.status, 404);
      assert.match(r.text, /No such user\./);
    });
  });
}
