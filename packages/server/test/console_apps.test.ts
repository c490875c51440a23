// Console apps: the create form sends the admin API's JSON and shows the API's errors next to
// the fields they name (one at a time: the API stops at the first), keeps what was typed and
// an uploaded certificate; the secret is shown once; list and search; edit; delete confirmed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeKey } from './assertions.ts';
import { type ConsoleBrowser, fieldError, signedInAdmin } from './console_client.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const BASE = {
  name: 'Billing sync',
  scopes: ['api', 'refresh_token'],
  permittedUsers: 'all_users',
  'accessToken.format': 'opaque',
  'accessToken.ttlSeconds': '900',
  'refreshToken.policy': 'until_revoked',
  'refreshToken.rotate': 'on',
  'assertion.maxLifetimeSeconds': '300',
};

for (const kind of DB_KINDS) {
  describe(`console: creating, editing and deleting apps (${kind})`, () => {
    let s: TestServer;
    let b: ConsoleBrowser;

    before(async () => {
      s = await startTestServer(kind);
      ({ b } = await signedInAdmin(s));
      await b.get('/console/apps/new');
    });
    after(() => s.stop());

    const appCount = async () => (await s.admin('GET', '/admin/v1/apps')).body.length as number;

    test('each refused field: the API’s message next to it, aria-invalid, a link in the summary', async () => {
      const before = await appCount();
      const cases: [Record<string, string | string[]>, string, string][] = [
        [
          { 'accessToken.ttlSeconds': 'soon' },
          'f-accessToken-ttlSeconds',
          'Must be a whole number from 60 to 86400.',
        ],
        [
          { 'accessToken.ttlSeconds': '5' },
          'f-accessToken-ttlSeconds',
          'Must be a whole number from 60 to 86400.',
        ],
        [{ name: '' }, 'f-name', 'Must be 1 to 255 characters.'],
        [
          { callbackUrls: 'https://ok.example/cb\r\nnot a url' },
          'f-callbackUrls',
          '“not a url”: must be an absolute URL.',
        ],
        [
          { 'refreshToken.policy': 'expire_after' },
          'f-refreshToken-seconds',
          'Is required with policy expire_after.',
        ],
        [
          { 'clientCredentials.enabled': 'on' },
          'f-clientCredentials-runAs',
          'A run-as user is required when client credentials are enabled.',
        ],
        [
          { 'clientCredentials.runAs': 'nobody@example.com' },
          'f-clientCredentials-runAs',
          'No user named nobody@example.com.',
        ],
        [
          { scopesOther: 'custom bad"scope' },
          'f-scopesOther',
          '“bad"scope”: is not a valid scope token (RFC 6749 §3.3).',
        ],
        [{ permittedUsers: 'everyone' }, 'f-permittedUsers', 'Must be one of all_users, admin_approved.'],
        [
          { 'assertion.maxLifetimeSeconds': '4000' },
          'f-assertion-maxLifetimeSeconds',
          'Must be a whole number from 10 to 3600.',
        ],
        [
          { certificatePem: 'not a certificate' },
          'f-certificatePem',
          'Expected exactly one PEM certificate.',
        ],
      ];
      for (const [change, id, message] of cases) {
        const r = await b.postMultipart('/console/apps', { ...BASE, ...change });
        assert.equal(r.status, 400, id);
        assert.equal(fieldError(r.text, id), message, id);
        const input = new RegExp(
          `id="${id}"[^>]*aria-describedby="[^"]*${id}-error"[^>]*aria-invalid="true"`,
        );
        assert.match(r.text, input, `${id} is described by its error`);
        const escaped = message.replace(/"/g, '&quot;').replace(/[.()?*+[\]]/g, '\\$&');
        assert.match(r.text, new RegExp(`<li><a href="#${id}">[^<]+: ${escaped}</a></li>`));
      }
      assert.equal(await appCount(), before, 'nothing was created');
    });

    test('a refused form keeps what was typed, and an uploaded certificate as pasted text', async () => {
      const key = await makeKey('rsa');
      const r = await b.postMultipart(
        '/console/apps',
        { ...BASE, name: 'Kept <name>', 'accessToken.ttlSeconds': '1', callbackUrls: 'https://a.example/cb' },
        { certificateFile: { name: 'c.pem', content: key.certificatePem } },
      );
      assert.equal(r.status, 400);
      assert.ok(r.text.includes('value="Kept &lt;name&gt;"'));
      assert.match(r.text, /<textarea id="f-callbackUrls"[^>]*>https:\/\/a\.example\/cb<\/textarea>/);
      assert.match(r.text, /id="f-scopes-9" name="scopes" value="refresh_token" checked/);
      assert.match(r.text, /<textarea id="f-certificatePem"[^>]*>-----BEGIN CERTIFICATE-----/);
      // A bad file stays the file's error; nothing is moved.
      const bad = await b.postMultipart('/console/apps', BASE, {
        certificateFile: { name: 'c.pem', content: 'junk' },
      });
      assert.equal(fieldError(bad.text, 'f-certificateFile'), 'Expected exactly one PEM certificate.');
      assert.match(bad.text, /<textarea id="f-certificatePem"[^>]*><\/textarea>/);
    });

    test('created: the secret once, a working app, in the list and its search', async () => {
      const runAs = await s.newUser();
      const key = await makeKey('ec256');
      const r = await b.postMultipart(
        '/console/apps',
        {
          ...BASE,
          name: 'Nightly <export>',
          'clientCredentials.enabled': 'on',
          'clientCredentials.runAs': runAs.username,
          callbackUrls: 'https://export.example/cb',
        },
        { certificateFile: { name: 'c.pem', content: key.certificatePem } },
      );
      assert.equal(r.status, 201, r.text.slice(0, 300));
      const clientId = /id="client-id" class="mono" value="([^"]+)"/.exec(r.text)![1]!;
      const secret = /id="client-secret" class="mono" value="([0-9A-F]{64})"/.exec(r.text)![1]!;
      assert.match(r.text, /<h1>Nightly &lt;export&gt; created<\/h1>/);
      assert.match(r.text, /<button type="button" class="copy" data-copy="client-secret" hidden/);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      const view = (await s.admin('GET', `/admin/v1/apps/${clientId}`)).body;
      assert.deepEqual(
        [view.scopes, view.callbackUrls, view.clientCredentials, view.accessToken, view.certificates.length],
        [
          ['api', 'refresh_token'],
          ['https://export.example/cb'],
          { enabled: true, runAs: runAs.username },
          { format: 'opaque', ttlSeconds: 900 },
          1,
        ],
      );
      const token = await s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(clientId, secret) },
      );
      assert.equal(token.status, 200, token.text);
      const page = await b.get(`/console/apps/${clientId}`);
      assert.equal(page.status, 200);
      assert.equal(page.text.includes(secret), false, 'never shown again');
      assert.ok(page.text.includes(`…${secret.slice(-4)}`));
      const list = await b.get('/console/apps');
      assert.ok(list.text.includes('Nightly &lt;export&gt;'));
      assert.equal(list.text.includes('Nightly <export>'), false);
      for (const [q, found] of [
        ['nightly', true],
        [clientId.slice(5, 15), true],
        ['no such app', false],
      ] as const) {
        const found_ = await b.get(`/console/apps?q=${encodeURIComponent(q)}`);
        assert.equal(found_.text.includes(`/console/apps/${clientId}"`), found, q);
      }
      const escaped = await b.get(`/console/apps?q=${encodeURIComponent('"><script>')}`);
      assert.ok(escaped.text.includes('value="&quot;&gt;&lt;script&gt;"'));
    });

    test('edit: the form holds the app’s values; errors by the field; saved with a notice', async () => {
      const { app } = await s.newApp({
        name: 'Editable',
        scopes: ['api', 'mine'],
        accessToken: { format: 'jwt', ttlSeconds: 600 },
      });
      const form = await b.get(`/console/apps/${app.clientId}/edit`);
      assert.equal(form.status, 200);
      assert.ok(
        form.text.includes('id="f-accessToken-ttlSeconds" name="accessToken.ttlSeconds" value="600"'),
      );
      assert.ok(form.text.includes('id="f-scopesOther" name="scopesOther" value="mine"'));
      assert.match(form.text, /<option value="jwt" selected>/);
      assert.equal(form.text.includes('certificateFile'), false, 'certificates are managed on the app page');
      const fields = { ...BASE, name: 'Edited', scopesOther: 'mine', 'accessToken.format': 'jwt' };
      const bad = await b.post(`/console/apps/${app.clientId}/edit`, {
        ...fields,
        'accessToken.ttlSeconds': '99999',
      });
      assert.equal(bad.status, 400);
      assert.equal(
        fieldError(bad.text, 'f-accessToken-ttlSeconds'),
        'Must be a whole number from 60 to 86400.',
      );
      const ok = await b.post(`/console/apps/${app.clientId}/edit`, fields);
      assert.equal(ok.status, 303);
      assert.equal(ok.location, `/console/apps/${app.clientId}?done=updated`);
      assert.match((await b.follow(ok)).text, /role="status">Settings saved\./);
      const view = (await s.admin('GET', `/admin/v1/apps/${app.clientId}`)).body;
      assert.deepEqual(
        [view.name, view.scopes, view.accessToken],
        ['Edited', ['api', 'refresh_token', 'mine'], { format: 'jwt', ttlSeconds: 900 }],
      );
    });

    test('delete: a link to a confirmation page; only its form deletes', async () => {
      const { app } = await s.newApp({ name: 'Doomed <app>' });
      const page = await b.get(`/console/apps/${app.clientId}`);
      assert.ok(
        page.text.includes(
          `<a class="button danger" href="/console/apps/${app.clientId}/delete">Delete app</a>`,
        ),
      );
      const confirm = await b.get(`/console/apps/${app.clientId}/delete`);
      assert.equal(confirm.status, 200);
      assert.match(confirm.text, /<h1>Delete Doomed &lt;app&gt;\?<\/h1>/);
      assert.match(confirm.text, /<input type="hidden" name="confirm" value="yes">/);
      // A POST without confirm=yes gets the question again.
      const again = await b.post(`/console/apps/${app.clientId}/delete`, {});
      assert.equal(again.status, 200);
      assert.match(again.text, /Delete Doomed &lt;app&gt;\?/);
      assert.equal((await s.admin('GET', `/admin/v1/apps/${app.clientId}`)).status, 200);
      const csrfless = await b.post(`/console/apps/${app.clientId}/delete`, { confirm: 'yes' }, null);
      assert.equal(csrfless.status, 403);
      const done = await b.post(`/console/apps/${app.clientId}/delete`, { confirm: 'yes' });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/console/apps?done=deleted');
      assert.equal((await s.admin('GET', `/admin/v1/apps/${app.clientId}`)).status, 404);
      const gone = await b.get(`/console/apps/${app.clientId}`);
      assert.equal(gone.status, 404);
      assert.match(gone.text, /No app with that client id\./);
    });
  });
}
