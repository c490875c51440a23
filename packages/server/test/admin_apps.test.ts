import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha256Hex } from '../src/domain/hashing.ts';
import { generateSelfSigned } from '../src/keys/x509.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const APPS = '/admin/v1/apps';

/** `actual` has these members (policies gain optional fields over time, so not deepEqual). */
function hasMembers(
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
  message?: string,
): void {
  const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, actual[k]]));
  assert.deepEqual(picked, expected, message);
}

for (const kind of DB_KINDS) {
  describe(`admin API: apps (${kind})`, () => {
    let s: TestServer;
    let runAs: string;
    let pem: string;
    before(async () => {
      s = await startTestServer(kind);
      runAs = (await s.newUser()).username;
      pem = (await generateSelfSigned({ cn: 'apps test', days: 30 })).certificatePem;
    });
    after(() => s.stop());

    test('POST creates an app: 201 with clientId and clientSecret, the full view', async () => {
      const r = await s.admin('POST', APPS, {
        name: 'Billing sync',
        scopes: ['api', 'refresh_token'],
        callbackUrls: ['https://billing.example.com/cb'],
        certificates: [pem],
        permittedUsers: 'admin_approved',
        clientCredentials: { enabled: true, runAs },
        accessToken: { format: 'jwt', ttlSeconds: 900 },
        refreshToken: { policy: 'expire_after', seconds: 86400, rotate: false },
        assertion: { maxLifetimeSeconds: 120 },
        api: { dailyLimit: 500 },
      });
      assert.equal(r.status, 201);
      assert.match(r.body.clientId, /^3MVG9[A-Za-z0-9]{80}$/);
      assert.match(r.body.clientSecret, /^[0-9A-F]{64}$/);
      assert.equal(r.headers.get('location'), `${APPS}/${r.body.clientId}`);
      assert.equal(r.body.name, 'Billing sync');
      assert.deepEqual(r.body.scopes, ['api', 'refresh_token']);
      assert.deepEqual(r.body.callbackUrls, ['https://billing.example.com/cb']);
      assert.equal(r.body.permittedUsers, 'admin_approved');
      hasMembers(r.body.clientCredentials, { enabled: true, runAs });
      hasMembers(r.body.accessToken, { format: 'jwt', ttlSeconds: 900 });
      hasMembers(r.body.refreshToken, { policy: 'expire_after', seconds: 86400, rotate: false });
      assert.equal(r.body.assertion.maxLifetimeSeconds, 120);
      assert.equal(r.body.api.dailyLimit, 500);
      assert.equal(r.body.certificates.length, 1);
      const c = r.body.certificates[0];
      assert.match(c.thumbprint, /^[0-9a-f]{64}$/);
      assert.equal(c.subject, 'CN=apps test');
      assert.equal(c.expired, false);
      assert.ok(Date.parse(c.notAfter) > Date.now());
      assert.equal(r.body.secrets.length, 1);
      assert.equal(r.body.secrets[0].hint, r.body.clientSecret.slice(-4));
    });

    test('the secret is shown only at creation: GET and list never return it or its hash', async () => {
      const created = await s.admin('POST', APPS, { name: 'Once' });
      const one = await s.admin('GET', `${APPS}/${created.body.clientId}`);
      const all = await s.admin('GET', APPS);
      assert.equal(one.status, 200);
      assert.equal(one.body.clientSecret, undefined);
      for (const text of [one.text, all.text]) {
        assert.ok(!text.includes(created.body.clientSecret), 'secret is not shown again');
        assert.ok(!text.includes(sha256Hex(created.body.clientSecret)), 'nor its hash');
        assert.doesNotMatch(text, /"hash"/);
      }
      const { clientSecret, ...view } = created.body;
      assert.deepEqual(one.body, view);
      assert.ok(all.body.some((a: { clientId: string }) => a.clientId === created.body.clientId));
    });

    test('defaults: api scope, all_users, opaque 2-hour tokens, client credentials off', async () => {
      const r = await s.admin('POST', APPS, { name: 'Defaults' });
      assert.equal(r.status, 201);
      assert.deepEqual(r.body.scopes, ['api']);
      assert.equal(r.body.permittedUsers, 'all_users');
      hasMembers(r.body.accessToken, { format: 'opaque', ttlSeconds: 7200 });
      hasMembers(r.body.clientCredentials, { enabled: false, runAs: null });
      assert.equal(r.body.api.dailyLimit, 15000);
      assert.deepEqual(r.body.certificates, []);
    });

    test('bad input is 400 invalid_request naming the field, and nothing is created', async () => {
      const before = (await s.admin('GET', APPS)).body.length;
      const cases: [unknown, string][] = [
        [{}, 'name'],
        [{ name: 'x', scopes: 'api' }, 'scopes'],
        [{ name: 'x', scopes: ['a b'] }, 'scopes[0]'],
        [{ name: 'x', callbackUrls: ['not a url'] }, 'callbackUrls[0]'],
        [{ name: 'x', callbackUrls: ['https://x.example/cb#frag'] }, 'callbackUrls[0]'],
        [{ name: 'x', certificates: ['not a pem'] }, 'certificates[0]'],
        [{ name: 'x', certificates: [pem, pem] }, 'certificates'],
        [{ name: 'x', permittedUsers: 'everyone' }, 'permittedUsers'],
        [{ name: 'x', clientCredentials: { enabled: true } }, 'clientCredentials.runAs'],
        [
          { name: 'x', clientCredentials: { enabled: true, runAs: 'ghost@example.com' } },
          'clientCredentials.runAs',
        ],
        [{ name: 'x', accessToken: { format: 'saml' } }, 'accessToken.format'],
        [{ name: 'x', accessToken: { ttlSeconds: 5 } }, 'accessToken.ttlSeconds'],
        [{ name: 'x', refreshToken: { policy: 'expire_after' } }, 'refreshToken.seconds'],
        [{ name: 'x', assertion: { maxLifetimeSeconds: 99999 } }, 'assertion.maxLifetimeSeconds'],
        [{ name: 'x', colour: 'red' }, 'colour'],
      ];
      for (const [body, field] of cases) {
        const r = await s.admin('POST', APPS, body);
        assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
        assert.equal(r.body.error, 'invalid_request');
        assert.equal(r.body.field, field, JSON.stringify(body).slice(0, 80));
      }
      assert.equal((await s.admin('GET', APPS)).body.length, before, 'nothing half-written');
    });

    test('PATCH replaces fields and merges policies field by field', async () => {
      const created = await s.admin('POST', APPS, { name: 'Patch me', scopes: ['api', 'id'] });
      const path = `${APPS}/${created.body.clientId}`;
      const r = await s.admin('PATCH', path, {
        name: 'Patched',
        accessToken: { format: 'jwt' },
        clientCredentials: { enabled: true, runAs },
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.name, 'Patched');
      assert.deepEqual(r.body.scopes, ['api', 'id'], 'untouched');
      hasMembers(r.body.accessToken, { format: 'jwt', ttlSeconds: 7200 }, 'merged');
      hasMembers(r.body.clientCredentials, { enabled: true, runAs });
      assert.equal(r.body.secrets.length, 1);
      assert.ok(Date.parse(r.body.updatedAt) >= Date.parse(created.body.updatedAt));
      const off = await s.admin('PATCH', path, { clientCredentials: { enabled: false, runAs: null } });
      assert.deepEqual(off.body.clientCredentials, { enabled: false, runAs: null });
    });

    test('PATCH with bad input is 400 naming the field; certificates are not patched here', async () => {
      const created = await s.admin('POST', APPS, { name: 'Patch bad' });
      const path = `${APPS}/${created.body.clientId}`;
      const r = await s.admin('PATCH', path, { accessToken: { ttlSeconds: 'long' } });
      assert.equal(r.status, 400);
      assert.equal(r.body.field, 'accessToken.ttlSeconds');
      const certs = await s.admin('PATCH', path, { certificates: [pem] });
      assert.equal(certs.status, 400);
      assert.equal(certs.body.field, 'certificates');
      assert.equal((await s.admin('GET', path)).body.accessToken.ttlSeconds, 7200, 'unchanged');
    });

    test('unknown client ids are 404 not_found on GET, PATCH and DELETE', async () => {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const r = await s.admin(
          method,
          `${APPS}/3MVG9nobody`,
          method === 'PATCH' ? { name: 'x' } : undefined,
        );
        assert.equal(r.status, 404, method);
        assert.equal(r.body.error, 'not_found');
      }
    });

    test('DELETE removes the app (204); its secret then fails at the token endpoint', async () => {
      const created = await s.admin('POST', APPS, {
        name: 'Doomed',
        clientCredentials: { enabled: true, runAs },
      });
      const { clientId, clientSecret } = created.body;
      const grant = { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret };
      assert.equal((await s.form('/services/oauth2/token', grant)).status, 200);
      const r = await s.admin('DELETE', `${APPS}/${clientId}`);
      assert.equal(r.status, 204);
      assert.equal((await s.admin('GET', `${APPS}/${clientId}`)).status, 404);
      const after = await s.form('/services/oauth2/token', grant);
      assert.equal(after.status, 401);
      assert.equal(after.body.error, 'invalid_client');
    });
  });
}
