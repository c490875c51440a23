import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateSelfSigned, parseCertificatePem } from '../src/keys/x509.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const TOKEN = '/services/oauth2/token';

for (const kind of DB_KINDS) {
  describe(`admin API: certificates and secrets (${kind})`, () => {
    let s: TestServer;
    let clientId: string;
    let firstSecret: string;
    let certA: string;
    let certB: string;
    const base = () => `/admin/v1/apps/${clientId}`;
    const token = (secret: string) =>
      s.form(TOKEN, { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret) });

    before(async () => {
      s = await startTestServer(kind);
      const runAs = (await s.newUser()).username;
      const created = await s.newApp({ clientCredentials: { enabled: true, runAs } });
      clientId = created.app.clientId;
      firstSecret = created.clientSecret;
      certA = (await generateSelfSigned({ cn: 'cert A', days: 10 })).certificatePem;
      certB = (await generateSelfSigned({ cn: 'cert B', days: 10 })).certificatePem;
    });
    after(() => s.stop());

    test('POST certificates registers a PEM: 201 with its SHA-256 thumbprint', async () => {
      const r = await s.admin('POST', `${base()}/certificates`, { pem: certA });
      assert.equal(r.status, 201);
      assert.equal(r.body.thumbprint, parseCertificatePem(certA).thumbprint);
      assert.equal(r.body.subject, 'CN=cert A');
      assert.equal(r.body.expired, false);
      const b = await s.admin('POST', `${base()}/certificates`, { pem: certB });
      assert.equal(b.status, 201);
      const app = await s.admin('GET', base());
      assert.deepEqual(app.body.certificates.map((c: { subject: string }) => c.subject).sort(), [
        'CN=cert A',
        'CN=cert B',
      ]);
    });

    test('the same certificate again is 409 conflict', async () => {
      const r = await s.admin('POST', `${base()}/certificates`, { pem: certA });
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'conflict');
    });

    test('a bad certificate body is 400 naming pem', async () => {
      for (const body of [{}, { pem: 'nope' }, { pem: `${certA}${certB}` }, { pem: 42 }]) {
        const r = await s.admin('POST', `${base()}/certificates`, body);
        assert.equal(r.status, 400, JSON.stringify(body).slice(0, 40));
        assert.equal(r.body.error, 'invalid_request');
        assert.equal(r.body.field, 'pem');
      }
      const extra = await s.admin('POST', `${base()}/certificates`, { pem: certA, name: 'x' });
      assert.equal(extra.body.field, 'name');
    });

    test('an expired certificate is registered and shown as expired', async () => {
      const now = Date.now();
      const late = await startTestServer(kind, { now: () => now + 30 * 86_400_000 });
      try {
        const { app } = await late.newApp();
        const r = await late.admin('POST', `/admin/v1/apps/${app.clientId}/certificates`, { pem: certA });
        assert.equal(r.status, 201);
        assert.equal(r.body.expired, true);
      } finally {
        await late.stop();
      }
    });

    test('DELETE certificates/{thumbprint} removes it (204); colons and upper case are accepted', async () => {
      const t = parseCertificatePem(certB).thumbprint;
      const colons = t.toUpperCase().match(/../g)!.join(':');
      const r = await s.admin('DELETE', `${base()}/certificates/${colons}`);
      assert.equal(r.status, 204);
      const app = await s.admin('GET', base());
      assert.deepEqual(
        app.body.certificates.map((c: { thumbprint: string }) => c.thumbprint),
        [parseCertificatePem(certA).thumbprint],
      );
      const again = await s.admin('DELETE', `${base()}/certificates/${t}`);
      assert.equal(again.status, 404);
      assert.equal(again.body.error, 'not_found');
    });

    test('a malformed thumbprint is 400 naming thumbprint; an unknown app is 404', async () => {
      const r = await s.admin('DELETE', `${base()}/certificates/abc`);
      assert.equal(r.status, 400);
      assert.equal(r.body.field, 'thumbprint');
      const t = parseCertificatePem(certA).thumbprint;
      const gone = await s.admin('DELETE', `/admin/v1/apps/3MVG9nobody/certificates/${t}`);
      assert.equal(gone.status, 404);
      const add = await s.admin('POST', '/admin/v1/apps/3MVG9nobody/certificates', { pem: certA });
      assert.equal(add.status, 404);
    });

    let secondId: string;
    let secondSecret: string;
    let firstId: string;

    test('POST secrets adds a second secret (201, shown once) and both work at the token endpoint', async () => {
      const r = await s.admin('POST', `${base()}/secrets`);
      assert.equal(r.status, 201);
      assert.match(r.body.clientSecret, /^[0-9A-F]{64}$/);
      assert.notEqual(r.body.clientSecret, firstSecret);
      assert.equal(r.body.hint, r.body.clientSecret.slice(-4));
      secondId = r.body.id;
      secondSecret = r.body.clientSecret;
      assert.equal((await token(firstSecret)).status, 200);
      assert.equal((await token(secondSecret)).status, 200);
      const list = await s.admin('GET', `${base()}/secrets`);
      assert.equal(list.status, 200);
      assert.equal(list.body.length, 2);
      assert.ok(!list.text.includes(secondSecret) && !list.text.includes(firstSecret));
      firstId = list.body.find((x: { id: string }) => x.id !== secondId).id;
      const app = await s.admin('GET', base());
      assert.ok(!app.text.includes(secondSecret));
    });

    test('deleting the first secret (204) makes it fail with 401 invalid_client; the second still works', async () => {
      const r = await s.admin('DELETE', `${base()}/secrets/${firstId}`);
      assert.equal(r.status, 204);
      const old = await token(firstSecret);
      assert.equal(old.status, 401);
      assert.equal(old.body.error, 'invalid_client');
      assert.equal((await token(secondSecret)).status, 200);
    });

    test('the last secret cannot be deleted: 409 conflict, and it keeps working', async () => {
      const r = await s.admin('DELETE', `${base()}/secrets/${secondId}`);
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'conflict');
      assert.equal((await token(secondSecret)).status, 200);
    });

    test('unknown secret ids are 404; a body on secret creation is refused', async () => {
      const r = await s.admin('DELETE', `${base()}/secrets/0Sc000nothing00AAA`);
      assert.equal(r.status, 404);
      assert.equal(r.body.error, 'not_found');
      const body = await s.admin('POST', `${base()}/secrets`, { secret: 'mine' });
      assert.equal(body.status, 400);
      assert.equal(body.body.field, 'secret');
      const app = await s.admin('POST', '/admin/v1/apps/3MVG9nobody/secrets');
      assert.equal(app.status, 404);
    });

    test('at most 5 secrets: the sixth is 409 conflict', async () => {
      for (let i = (await s.admin('GET', `${base()}/secrets`)).body.length; i < 5; i++) {
        assert.equal((await s.admin('POST', `${base()}/secrets`)).status, 201);
      }
      const r = await s.admin('POST', `${base()}/secrets`);
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'conflict');
    });
  });
}
