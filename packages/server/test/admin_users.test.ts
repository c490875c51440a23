import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const USERS = '/admin/v1/users';

for (const kind of DB_KINDS) {
  describe(`admin API: users (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s.stop());

    test('POST creates a user: 201, Location, the view without any password hash', async () => {
      const r = await s.admin('POST', USERS, {
        username: 'ada@example.com',
        password: 'correct horse battery',
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        profile: 'Integration',
      });
      assert.equal(r.status, 201);
      assert.match(r.body.id, /^005[A-Za-z0-9]{15}$/);
      assert.equal(r.headers.get('location'), `${USERS}/${r.body.id}`);
      assert.deepEqual(
        { ...r.body, id: undefined, createdAt: undefined, updatedAt: undefined },
        {
          id: undefined,
          username: 'ada@example.com',
          email: 'ada@example.com',
          firstName: 'Ada',
          lastName: 'Lovelace',
          profile: 'Integration',
          active: true,
          hasPassword: true,
          createdAt: undefined,
          updatedAt: undefined,
        },
      );
      assert.doesNotMatch(r.text, /scrypt|correct horse/);
    });

    test('defaults: Standard User, active, no password', async () => {
      const r = await s.admin('POST', USERS, { username: 'bare@example.com' });
      assert.equal(r.status, 201);
      assert.equal(r.body.profile, 'Standard User');
      assert.equal(r.body.active, true);
      assert.equal(r.body.hasPassword, false);
    });

    test('a duplicate username is 409 conflict naming username', async () => {
      const r = await s.admin('POST', USERS, { username: 'ada@example.com' });
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'conflict');
      assert.equal(r.body.field, 'username');
    });

    test('bad input is 400 invalid_request naming the field', async () => {
      const cases: [unknown, string][] = [
        [{}, 'username'],
        [{ username: 'has space@example.com' }, 'username'],
        [{ username: 'x@example.com', password: 'short' }, 'password'],
        [{ username: 'x@example.com', active: 'yes' }, 'active'],
        [{ username: 'x@example.com', email: 5 }, 'email'],
        [{ username: 'x@example.com', nickname: 'x' }, 'nickname'],
      ];
      for (const [body, field] of cases) {
        const r = await s.admin('POST', USERS, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.error, 'invalid_request');
        assert.equal(r.body.field, field, JSON.stringify(body));
      }
      const list = await s.admin('GET', USERS);
      assert.ok(
        !list.body.some((u: { username: string }) => u.username === 'x@example.com'),
        'nothing half-written',
      );
    });

    test('GET lists users and reads one by id or by username', async () => {
      const list = await s.admin('GET', USERS);
      assert.equal(list.status, 200);
      const ada = list.body.find((u: { username: string }) => u.username === 'ada@example.com');
      assert.ok(ada);
      const byId = await s.admin('GET', `${USERS}/${ada.id}`);
      const byName = await s.admin('GET', `${USERS}/${encodeURIComponent('ada@example.com')}`);
      assert.equal(byId.status, 200);
      assert.deepEqual(byId.body, ada);
      assert.deepEqual(byName.body, ada);
    });

    test('unknown users are 404 not_found on GET, PATCH and DELETE', async () => {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const r = await s.admin(method, `${USERS}/nobody@example.com`, method === 'PATCH' ? {} : undefined);
        assert.equal(r.status, 404, method);
        assert.equal(r.body.error, 'not_found');
      }
    });

    test('PATCH deactivates, changes fields, clears the password', async () => {
      const r = await s.admin('PATCH', `${USERS}/ada@example.com`, {
        active: false,
        profile: 'Auditor',
        password: null,
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.active, false);
      assert.equal(r.body.profile, 'Auditor');
      assert.equal(r.body.hasPassword, false);
      assert.equal(r.body.firstName, 'Ada', 'fields not sent are kept');
      const again = await s.admin('GET', `${USERS}/ada@example.com`);
      assert.equal(again.body.active, false);
    });

    test('PATCH with bad input is 400 naming the field; a taken username is 409', async () => {
      const bad = await s.admin('PATCH', `${USERS}/ada@example.com`, { active: 1 });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'active');
      const taken = await s.admin('PATCH', `${USERS}/ada@example.com`, { username: 'bare@example.com' });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error, 'conflict');
      assert.equal(taken.body.field, 'username');
    });

    test('PATCH renames a user no app refers to', async () => {
      const u = await s.newUser();
      const r = await s.admin('PATCH', `${USERS}/${u.id}`, { username: `renamed.${u.username}` });
      assert.equal(r.status, 200);
      assert.equal(r.body.username, `renamed.${u.username}`);
    });

    test('a client-credentials run-as user cannot be renamed or deleted (409)', async () => {
      const u = await s.newUser();
      await s.newApp({ clientCredentials: { enabled: true, runAs: u.username } });
      const rename = await s.admin('PATCH', `${USERS}/${u.id}`, { username: `x.${u.username}` });
      assert.equal(rename.status, 409);
      assert.equal(rename.body.error, 'conflict');
      const del = await s.admin('DELETE', `${USERS}/${u.id}`);
      assert.equal(del.status, 409);
      assert.equal(del.body.error, 'conflict');
      assert.equal((await s.admin('GET', `${USERS}/${u.id}`)).status, 200);
    });

    test('DELETE removes the user (204) and their user pre-authorizations', async () => {
      const u = await s.newUser();
      const { app } = await s.newApp({ permittedUsers: 'admin_approved' });
      const pre = `/admin/v1/apps/${app.clientId}/preauthorizations`;
      assert.equal((await s.admin('POST', pre, { username: u.username })).status, 201);
      const r = await s.admin('DELETE', `${USERS}/${encodeURIComponent(u.username)}`);
      assert.equal(r.status, 204);
      assert.equal(r.text, '');
      assert.equal((await s.admin('GET', `${USERS}/${u.id}`)).status, 404);
      assert.deepEqual((await s.admin('GET', pre)).body, [], 'a later user of that name inherits nothing');
    });
  });
}
