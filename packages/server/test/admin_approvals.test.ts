import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { User } from '../src/domain/types.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const APPROVALS = '/admin/v1/approvals';

for (const kind of DB_KINDS) {
  describe(`admin API: pre-authorizations and approvals (${kind})`, () => {
    let s: TestServer;
    let user: User;
    let clientId: string;
    let secret: string;
    const pre = () => `/admin/v1/apps/${clientId}/preauthorizations`;

    before(async () => {
      s = await startTestServer(kind);
      user = await s.newUser({ profile: 'Integration' });
      const created = await s.newApp({
        scopes: ['api', 'id'],
        clientCredentials: { enabled: true, runAs: user.username },
      });
      clientId = created.app.clientId;
      secret = created.clientSecret;
    });
    after(() => s.stop());

    let userPreId: string;

    test('POST preauthorizations with a username or a profile: 201', async () => {
      const u = await s.admin('POST', pre(), { username: user.username });
      assert.equal(u.status, 201);
      assert.deepEqual({ kind: u.body.kind, value: u.body.value }, { kind: 'user', value: user.username });
      assert.match(u.body.id, /^0Pa/);
      userPreId = u.body.id;
      const p = await s.admin('POST', pre(), { profile: 'Integration' });
      assert.equal(p.status, 201);
      assert.deepEqual({ kind: p.body.kind, value: p.body.value }, { kind: 'profile', value: 'Integration' });
      const list = await s.admin('GET', pre());
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.map((x: { kind: string }) => x.kind).sort(), ['profile', 'user']);
    });

    test('pre-authorization input errors: exactly one of username/profile, the user must exist', async () => {
      const cases: [unknown, string][] = [
        [{}, 'username'],
        [{ username: user.username, profile: 'Integration' }, 'profile'],
        [{ username: 'ghost@example.com' }, 'username'],
        [{ profile: '' }, 'profile'],
        [{ group: 'x' }, 'group'],
      ];
      for (const [body, field] of cases) {
        const r = await s.admin('POST', pre(), body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error, 'invalid_request');
        assert.equal(r.body.field, field, JSON.stringify(body));
      }
    });

    test('the same pre-authorization twice is 409 conflict', async () => {
      const r = await s.admin('POST', pre(), { profile: 'Integration' });
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'conflict');
    });

    test('pre-authorizations gate an admin_approved app; DELETE (204) removes one', async () => {
      await s.admin('PATCH', `/admin/v1/apps/${clientId}`, { permittedUsers: 'admin_approved' });
      const cc = () =>
        s.form(
          '/services/oauth2/token',
          { grant_type: 'client_credentials' },
          { authorization: basic(clientId, secret) },
        );
      assert.equal((await cc()).status, 200);
      const list = (await s.admin('GET', pre())).body as { id: string; kind: string }[];
      for (const p of list) assert.equal((await s.admin('DELETE', `${pre()}/${p.id}`)).status, 204);
      const refused = await cc();
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'invalid_app_access');
      await s.admin('PATCH', `/admin/v1/apps/${clientId}`, { permittedUsers: 'all_users' });
    });

    test('unknown pre-authorization or app is 404', async () => {
      const r = await s.admin('DELETE', `${pre()}/${userPreId}`);
      assert.equal(r.status, 404);
      assert.equal(r.body.error, 'not_found');
      for (const [m, b] of [
        ['GET', undefined],
        ['POST', { profile: 'x' }],
      ] as const) {
        const x = await s.admin(m, '/admin/v1/apps/3MVG9nobody/preauthorizations', b);
        assert.equal(x.status, 404, m);
      }
    });

    let approvalId: string;

    test('POST approvals records an admin approval (201) and widens an existing one', async () => {
      const r = await s.admin('POST', APPROVALS, { clientId, username: user.username, scopes: ['api'] });
      assert.equal(r.status, 201);
      assert.match(r.body.id, /^0Ai/);
      assert.equal(r.body.source, 'admin');
      assert.equal(r.body.clientId, clientId);
      assert.equal(r.body.username, user.username);
      assert.equal(r.body.userId, user.id);
      assert.deepEqual(r.body.scopes, ['api']);
      approvalId = r.body.id;
      const wider = await s.admin('POST', APPROVALS, { clientId, username: user.username, scopes: ['id'] });
      assert.equal(wider.status, 201);
      assert.equal(wider.body.id, approvalId, 'one approval per app and user');
      assert.deepEqual(wider.body.scopes.sort(), ['api', 'id']);
    });

    test('approval input errors are 400 naming the field', async () => {
      const cases: [unknown, string][] = [
        [{ username: user.username, scopes: ['api'] }, 'clientId'],
        [{ clientId: '3MVG9nobody', username: user.username, scopes: ['api'] }, 'clientId'],
        [{ clientId, username: 'ghost@example.com', scopes: ['api'] }, 'username'],
        [{ clientId, username: user.username, scopes: ['api', 'full'] }, 'scopes'],
        [{ clientId, username: user.username, scopes: [] }, 'scopes'],
        [{ clientId, username: user.username, scopes: 'api' }, 'scopes'],
        [{ clientId, username: user.username, scopes: ['api'], source: 'consent' }, 'source'],
      ];
      for (const [body, field] of cases) {
        const r = await s.admin('POST', APPROVALS, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error, 'invalid_request');
        assert.equal(r.body.field, field, JSON.stringify(body));
      }
    });

    test('GET approvals filters by clientId and username; unknown ones match nothing', async () => {
      const other = await s.newUser();
      const { app } = await s.newApp({ scopes: ['api'] });
      await s.admin('POST', APPROVALS, { clientId: app.clientId, username: other.username, scopes: ['api'] });
      const all = await s.admin('GET', APPROVALS);
      assert.equal(all.status, 200);
      assert.equal(all.body.length, 2);
      const byApp = await s.admin('GET', `${APPROVALS}?clientId=${clientId}`);
      assert.deepEqual(
        byApp.body.map((a: { id: string }) => a.id),
        [approvalId],
      );
      const byUser = await s.admin('GET', `${APPROVALS}?username=${encodeURIComponent(other.username)}`);
      assert.deepEqual(
        byUser.body.map((a: { clientId: string }) => a.clientId),
        [app.clientId],
      );
      const both = await s.admin(
        'GET',
        `${APPROVALS}?clientId=${clientId}&username=${encodeURIComponent(other.username)}`,
      );
      assert.deepEqual(both.body, []);
      assert.deepEqual((await s.admin('GET', `${APPROVALS}?clientId=3MVG9nobody`)).body, []);
      const bad = await s.admin('GET', `${APPROVALS}?appId=x`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'appId');
      const twice = await s.admin('GET', `${APPROVALS}?clientId=a&clientId=b`);
      assert.equal(twice.status, 400);
      assert.equal(twice.body.field, 'clientId');
    });

    test("DELETE approvals/{id} (204) revokes the app's live tokens for that user", async () => {
      const issued = await s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(clientId, secret) },
      );
      assert.equal(issued.status, 200);
      const introspect = () =>
        s.form(
          '/services/oauth2/introspect',
          { token: issued.body.access_token },
          { authorization: basic(clientId, secret) },
        );
      assert.equal((await introspect()).body.active, true);
      const r = await s.admin('DELETE', `${APPROVALS}/${approvalId}`);
      assert.equal(r.status, 204);
      assert.equal((await introspect()).body.active, false);
      assert.deepEqual((await s.admin('GET', `${APPROVALS}?clientId=${clientId}`)).body, []);
      const again = await s.admin('DELETE', `${APPROVALS}/${approvalId}`);
      assert.equal(again.status, 404);
      assert.equal(again.body.error, 'not_found');
    });
  });
}
