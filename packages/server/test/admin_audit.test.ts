import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const AUDIT = '/admin/v1/audit';
const T0 = Date.parse('2030-01-01T00:00:00.000Z');

interface Event {
  at: string;
  event: string;
  clientId: string | null;
  username: string | null;
  grantType: string | null;
  result: string;
  errorCode: string | null;
}

for (const kind of DB_KINDS) {
  describe(`admin API: audit (${kind})`, () => {
    let s: TestServer;
    let clock = T0;
    let clientId: string;
    let username: string;
    const get = async (query: string) => (await s.admin('GET', `${AUDIT}${query}`)).body as Event[];

    before(async () => {
      s = await startTestServer(kind, { now: () => clock });
      username = (await s.newUser()).username;
      const { app, clientSecret } = await s.newApp({ clientCredentials: { enabled: true, runAs: username } });
      clientId = app.clientId;
      const cc = (secret: string) =>
        s.form(
          '/services/oauth2/token',
          { grant_type: 'client_credentials' },
          { authorization: basic(clientId, secret) },
        );
      clock = T0;
      await cc('wrong'); // failure at T0
      clock = T0 + 60_000;
      await cc(clientSecret); // success at T0+1min
      clock = T0 + 120_000;
      await cc(clientSecret); // success at T0+2min
      await s.form('/services/oauth2/token', { grant_type: 'password' }); // another grant type
    });
    after(() => s.stop());

    test('GET audit lists grant attempts newest first, times as ISO strings', async () => {
      const r = await s.admin('GET', AUDIT);
      assert.equal(r.status, 200);
      assert.equal(r.body.length, 4);
      assert.equal(r.body[0].at, new Date(T0 + 120_000).toISOString());
      assert.equal(r.body[3].at, new Date(T0).toISOString());
      const fail = r.body[3] as Event;
      assert.deepEqual(
        {
          event: fail.event,
          clientId: fail.clientId,
          grantType: fail.grantType,
          result: fail.result,
          errorCode: fail.errorCode,
        },
        {
          event: 'token',
          clientId,
          grantType: 'client_credentials',
          result: 'failure',
          errorCode: 'invalid_client',
        },
      );
    });

    test('filters: clientId, username, grantType, result', async () => {
      assert.equal((await get(`?clientId=${clientId}`)).length, 3);
      assert.equal((await get('?clientId=3MVG9nobody')).length, 0);
      const mine = await get(`?username=${encodeURIComponent(username)}`);
      assert.equal(mine.length, 2);
      assert.ok(mine.every((e) => e.username === username && e.result === 'success'));
      assert.equal((await get('?grantType=client_credentials')).length, 3);
      assert.equal((await get('?grantType=password')).length, 1);
      const failures = await get('?result=failure');
      assert.equal(failures.length, 2);
      assert.ok(failures.every((e) => e.result === 'failure'));
      assert.equal((await get(`?result=success&clientId=${clientId}`)).length, 2);
    });

    test('since accepts ISO 8601 and epoch milliseconds; limit caps the count', async () => {
      assert.equal((await get(`?since=${new Date(T0 + 60_000).toISOString()}`)).length, 3);
      assert.equal((await get(`?since=${T0 + 60_001}`)).length, 2);
      assert.equal((await get(`?since=${T0 + 3_600_000}`)).length, 0);
      const one = await get('?limit=1');
      assert.equal(one.length, 1);
      assert.equal(one[0]!.at, new Date(T0 + 120_000).toISOString(), 'the newest');
    });

    test('bad filters are 400 invalid_request naming the parameter', async () => {
      const cases: [string, string][] = [
        ['?result=maybe', 'result'],
        ['?since=yesterday', 'since'],
        ['?since=2030-13-45T00:00:00Z', 'since'],
        ['?limit=0', 'limit'],
        ['?limit=1001', 'limit'],
        ['?limit=ten', 'limit'],
        ['?user=x', 'user'],
        ['?result=success&result=failure', 'result'],
        ['?clientId=', 'clientId'],
      ];
      for (const [q, field] of cases) {
        const r = await s.admin('GET', `${AUDIT}${q}`);
        assert.equal(r.status, 400, q);
        assert.equal(r.body.error, 'invalid_request', q);
        assert.equal(r.body.field, field, q);
      }
    });

    test('the audit log needs the admin token', async () => {
      const r = await s.get(AUDIT);
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_token');
    });

    test('a success names the token it issued (a stateless JWT by its jti); a failure names none', async () => {
      const jwtApp = await s.newApp({
        clientCredentials: { enabled: true, runAs: username },
        accessToken: { format: 'jwt' },
      });
      const id = jwtApp.app.clientId;
      const ok = await s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(id, jwtApp.clientSecret) },
      );
      assert.equal(ok.status, 200);
      const jti = decodeJwt(ok.body.access_token as string).jti as string;
      assert.match(jti, /^st-/, 'a stateless JWT, which has no row of its own');
      const bad = await s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(id, 'wrong') },
      );
      assert.equal(bad.status, 401);
      const events = (await s.admin('GET', `${AUDIT}?clientId=${id}`)).body as (Event & {
        tokenId: string | null;
      })[];
      assert.deepEqual(
        events.map((e) => [e.result, e.tokenId]),
        [
          ['failure', null],
          ['success', jti],
        ],
      );
      // The older opaque successes name their record id, never the token itself.
      const opaque = (await get(`?clientId=${clientId}&result=success`)) as (Event & { tokenId: string })[];
      assert.equal(opaque.length, 2);
      for (const e of opaque) assert.match(e.tokenId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    });
  });
}
