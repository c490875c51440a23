// Console: an app's certificates (file or paste; subject, thumbprint, validity; warnings for
// expired, soon-expiring and not-yet-valid ones; the API's refusals next to the field),
// secret rotation (the new secret once, both work, the old one deleted after confirmation,
// the last one kept), and pre-authorizations by user or profile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCertificatePem } from '../src/keys/x509.ts';
import { makeKey } from './assertions.ts';
import { type ConsoleBrowser, fieldError, signedInAdmin } from './console_client.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const DAY = 86_400_000;

for (const kind of DB_KINDS) {
  describe(`console: certificates, secrets and pre-authorizations (${kind})`, () => {
    let s: TestServer;
    let b: ConsoleBrowser;

    before(async () => {
      s = await startTestServer(kind);
      ({ b } = await signedInAdmin(s));
      await b.get('/console/apps');
    });
    after(() => s.stop());

    test('certificates: upload by file or paste, shown with subject, thumbprint and validity; removal confirmed', async () => {
      const { app } = await s.newApp({ name: 'Certs' });
      const page = `/console/apps/${app.clientId}`;
      const good = await makeKey('rsa', { notBefore: Date.now() - DAY, notAfter: Date.now() + 400 * DAY });
      const up = await b.postMultipart(
        `${page}/certificates`,
        {},
        { certificateFile: { name: 'a.crt', content: good.certificatePem } },
      );
      assert.equal(up.status, 303);
      assert.equal(up.location, `${page}?done=cert-added#certificates`);
      const shown = await b.follow(up);
      const c = parseCertificatePem(good.certificatePem);
      assert.match(shown.text, /role="status">Certificate added\./);
      assert.ok(shown.text.includes(`<h3>${c.subject}</h3>`));
      assert.ok(shown.text.includes(`<code class="wrap">${c.thumbprint}</code>`));
      assert.ok(shown.text.includes(`<time datetime="${new Date(c.notAfter).toISOString()}">`));
      assert.equal(/cert-warning/.test(shown.text), false, 'a valid certificate has no warning');

      // Refusals next to the field they came from.
      const dup = await b.postMultipart(
        `${page}/certificates`,
        {},
        { certificateFile: { name: 'a.crt', content: good.certificatePem } },
      );
      assert.equal(dup.status, 409);
      assert.equal(
        fieldError(dup.text, 'f-cert-certificateFile'),
        'This certificate is already registered for the app.',
      );
      const junk = await b.postMultipart(`${page}/certificates`, { certificatePem: 'junk' });
      assert.equal(junk.status, 400);
      assert.equal(fieldError(junk.text, 'f-cert-certificatePem'), 'Expected exactly one PEM certificate.');
      assert.match(junk.text, /<textarea id="f-cert-certificatePem"[^>]*>junk<\/textarea>/);
      const huge = await b.postMultipart(`${page}/certificates`, { certificatePem: 'x'.repeat(70_000) });
      assert.equal(huge.status, 413);
      assert.match(huge.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(huge.text, /The form is larger than the server accepts\./);
      const empty = await b.postMultipart(`${page}/certificates`, {});
      assert.equal(empty.status, 400);
      assert.ok(fieldError(empty.text, 'f-cert-certificatePem'));

      // Removal: a confirmation page, then gone.
      const confirmPath = `${page}/certificates/${c.thumbprint}/delete`;
      const confirm = await b.get(confirmPath);
      assert.match(confirm.text, /<h1>Remove this certificate\?<\/h1>/);
      assert.ok(confirm.text.includes(c.thumbprint));
      assert.equal((await b.post(confirmPath, {})).status, 200, 'no confirm=yes: asked again');
      assert.equal((await s.admin('GET', `/admin/v1/apps/${app.clientId}`)).body.certificates.length, 1);
      const removed = await b.post(confirmPath, { confirm: 'yes' });
      assert.equal(removed.location, `${page}?done=cert-removed#certificates`);
      assert.equal((await s.admin('GET', `/admin/v1/apps/${app.clientId}`)).body.certificates.length, 0);
      assert.equal((await b.get(confirmPath)).status, 404);
    });

    test('certificates: warnings for expired, soon-expiring and not yet valid ones, in the list too', async () => {
      const now = Date.now();
      const expired = await makeKey('rsa', { notBefore: now - 30 * DAY, notAfter: now - 2 * DAY });
      const soon = await makeKey('ec256', { notBefore: now - DAY, notAfter: now + 10 * DAY + 3_600_000 });
      const future = await makeKey('ec256', { notBefore: now + 5 * DAY, notAfter: now + 100 * DAY });
      const { app } = await s.newApp({ name: 'Warned', certificates: [expired.certificatePem] });
      const page = `/console/apps/${app.clientId}`;
      for (const k of [soon, future]) {
        assert.equal(
          (await b.postMultipart(`${page}/certificates`, { certificatePem: k.certificatePem })).status,
          303,
        );
      }
      const shown = await b.get(page);
      assert.match(
        shown.text,
        /class="cert-warning bad" role="note"><span class="badge badge-bad">Expired<\/span> Expired 2 days ago/,
      );
      assert.match(
        shown.text,
        /class="cert-warning warn" role="note"><span class="badge badge-warn">Expires soon<\/span> Expires in 10 days/,
      );
      assert.match(
        shown.text,
        /class="cert-warning warn" role="note"><span class="badge badge-warn">Not yet valid<\/span>/,
      );
      const list = await b.get('/console/apps?q=Warned');
      assert.match(list.text, /3 <span class="badge badge-bad">expired<\/span>/);
    });

    test('secrets: a new one is shown once, both work, the old one goes after confirmation, the last stays', async () => {
      const runAs = await s.newUser();
      const { app, clientSecret: first } = await s.newApp({
        name: 'Rotating',
        clientCredentials: { enabled: true, runAs: runAs.username },
      });
      const page = `/console/apps/${app.clientId}`;
      await b.get(page);
      const token = (secret: string) =>
        s.form(
          '/services/oauth2/token',
          { grant_type: 'client_credentials' },
          { authorization: basic(app.clientId, secret) },
        );
      const added = await b.post(`${page}/secrets`, {});
      assert.equal(added.status, 201);
      const second = /id="client-secret" class="mono" value="([0-9A-F]{64})"/.exec(added.text)![1]!;
      assert.match(added.text, /Both the old and the new secret work now/);
      assert.equal((await token(first)).status, 200);
      assert.equal((await token(second)).status, 200);
      const secrets = (await s.admin('GET', `/admin/v1/apps/${app.clientId}/secrets`)).body as {
        id: string;
        hint: string;
      }[];
      const old = secrets.find((x) => x.hint === first.slice(-4))!;
      const confirmPath = `${page}/secrets/${old.id}/delete`;
      const confirm = await b.get(confirmPath);
      assert.match(confirm.text, /Delete this secret\?/);
      assert.ok(confirm.text.includes(`<code>${first.slice(-4)}</code>`));
      const deleted = await b.post(confirmPath, { confirm: 'yes' });
      assert.equal(deleted.location, `${page}?done=secret-removed#secrets`);
      assert.equal((await token(first)).status, 401);
      assert.equal((await token(second)).status, 200);
      // The last one stays: the API's 409, shown in the secrets section.
      const last = (await s.admin('GET', `/admin/v1/apps/${app.clientId}/secrets`)).body[0].id;
      const refused = await b.post(`${page}/secrets/${last}/delete`, { confirm: 'yes' });
      assert.equal(refused.status, 409);
      assert.match(
        refused.text,
        /An app must keep at least one secret; add a new one before deleting this\./,
      );
      // At most five.
      for (let i = 0; i < 4; i++) assert.equal((await b.post(`${page}/secrets`, {})).status, 201);
      const sixth = await b.post(`${page}/secrets`, {});
      assert.equal(sixth.status, 409);
      assert.match(sixth.text, /An app may hold at most 5 secrets; delete an old one first\./);
      const csrfless = await b.post(`${page}/secrets`, {}, null);
      assert.equal(csrfless.status, 403);
    });

    test('pre-authorizations: a user or a profile, the API’s refusals by the field, removal confirmed', async () => {
      const user = await s.newUser();
      const { app } = await s.newApp({ name: 'Approved only', permittedUsers: 'admin_approved' });
      const page = `/console/apps/${app.clientId}`;
      const detail = await b.get(page);
      assert.ok(detail.text.includes(`<option value="${user.username}">`), 'the user picker lists users');
      const added = await b.post(`${page}/preauthorizations`, { kind: 'user', username: user.username });
      assert.equal(added.location, `${page}?done=preauth-added#preauthorizations`);
      const twice = await b.post(`${page}/preauthorizations`, { kind: 'user', username: user.username });
      assert.equal(twice.status, 409);
      assert.equal(
        fieldError(twice.text, 'f-pa-user-username'),
        'This user is already pre-authorized for the app.',
      );
      const unknown = await b.post(`${page}/preauthorizations`, {
        kind: 'user',
        username: 'ghost@example.com',
      });
      assert.equal(unknown.status, 400);
      assert.equal(fieldError(unknown.text, 'f-pa-user-username'), 'No user named ghost@example.com.');
      const none = await b.post(`${page}/preauthorizations`, { kind: 'profile' });
      assert.equal(none.status, 400);
      assert.equal(fieldError(none.text, 'f-pa-profile-profile'), 'Must be 1 to 80 characters.');
      assert.equal(
        (await b.post(`${page}/preauthorizations`, { kind: 'profile', profile: 'Integration' })).status,
        303,
      );
      const list = (await s.admin('GET', `/admin/v1/apps/${app.clientId}/preauthorizations`)).body as {
        id: string;
        value: string;
      }[];
      assert.deepEqual(list.map((p) => p.value).sort(), ['Integration', user.username].sort());
      const shown = await b.get(page);
      assert.match(shown.text, /<td data-label="User or profile">Integration<\/td>/);
      const profile = list.find((p) => p.value === 'Integration')!;
      const confirmPath = `${page}/preauthorizations/${profile.id}/delete`;
      assert.match((await b.get(confirmPath)).text, /Users of the profile <strong>Integration<\/strong>/);
      assert.equal((await b.post(confirmPath, { confirm: 'yes' })).status, 303);
      assert.equal((await s.admin('GET', `/admin/v1/apps/${app.clientId}/preauthorizations`)).body.length, 1);
      // An all-users app says that pre-authorizations do not limit it.
      const { app: open } = await s.newApp({ name: 'Open' });
      assert.match(
        (await b.get(`/console/apps/${open.clientId}`)).text,
        /This app lets all users self-authorize/,
      );
    });
  });
}
