/**
 * The jwt-bearer grant over real HTTP on both stores, with a frozen clock:
 * Salesforce's response shape, prior approval, and one row per refusal with
 * its exact status, `error` and `error_description`, and no token written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  drainTokens,
  FROZEN_NOW,
  grantAssertion,
  JWT_BEARER,
  type JwtApp,
  jwtApp,
  makeKey,
  malleate,
  signJwt,
  swap,
  type TestKey,
  TOKEN_PATH,
} from './assertions.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

for (const kind of DB_KINDS) {
  describe(`jwt-bearer grant (${kind})`, () => {
    let s: TestServer;
    let key: TestKey;
    let attacker: TestKey;
    let a: JwtApp;
    const token = (assertion: string, extra: Record<string, string> = {}) =>
      s.form(TOKEN_PATH, { grant_type: JWT_BEARER, assertion, ...extra });

    before(async () => {
      s = await startTestServer(kind, {
        now: () => FROZEN_NOW,
        config: { extraAudiences: ['https://login.salesforce.com'] },
      });
      [key, attacker] = await Promise.all([makeKey('rsa'), makeKey('rsa')]);
      a = await jwtApp(s, key);
    });
    after(() => s.stop());

    test('a pre-authorized user gets a Salesforce-shaped token and no refresh token', async () => {
      await drainTokens(s);
      const r = await token(grantAssertion(s, a));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(r.body.token_type, 'Bearer');
      assert.equal(r.body.scope, 'api id refresh_token');
      assert.equal(r.body.instance_url, s.url);
      assert.equal(r.body.id, `${s.url}/id/${s.ctx.orgId}/${a.userId}`);
      assert.equal(r.body.issued_at, String(FROZEN_NOW));
      assert.equal(r.body.refresh_token, undefined, 'RFC 7521 §4.1: no refresh token');
      assert.equal(r.body.signature, undefined, 'no secret was presented, so no signature');
      assert.equal(await drainTokens(s), 1);
    });

    test('the scope parameter narrows the grant; a wider one is invalid_scope', async () => {
      const narrow = await token(grantAssertion(s, a), { scope: 'api' });
      assert.equal(narrow.body.scope, 'api');
      const wide = await token(grantAssertion(s, a), { scope: 'api full' });
      assert.equal(wide.status, 400);
      assert.equal(wide.body.error, 'invalid_scope');
    });

    test('the sf CLI assertion: exp in milliseconds, aud with a trailing slash, typ JWT, no jti', async () => {
      const r = await token(
        grantAssertion(s, a, { aud: `${s.url}/`, exp: FROZEN_NOW + 300, jti: undefined }),
      );
      assert.equal(r.status, 200, r.text);
    });

    test('aud may be the token endpoint URL or a configured extra (S2S_ACCEPTED_AUDIENCES)', async () => {
      for (const aud of [
        `${s.url}${TOKEN_PATH}`,
        'https://login.salesforce.com',
        [s.url, 'https://x.example'],
      ]) {
        const r = await token(grantAssertion(s, a, { aud }));
        assert.equal(r.status, 200, `${JSON.stringify(aud)}: ${r.text}`);
      }
    });

    test('a pre-authorized profile is enough', async () => {
      const b = await jwtApp(s, key, { preauthorize: false, user: { profile: 'Integration' } });
      const p = await s.admin('POST', `/admin/v1/apps/${b.clientId}/preauthorizations`, {
        profile: 'Integration',
      });
      assert.equal(p.status, 201, p.text);
      assert.equal((await token(grantAssertion(s, b))).status, 200);
    });

    test('all_users: only an earlier approval that included refresh_token counts; its scopes are granted', async () => {
      const b = await jwtApp(s, key, { preauthorize: false, app: { permittedUsers: 'all_users' } });
      const refused = await token(grantAssertion(s, b));
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body, {
        error: 'invalid_grant',
        error_description: "user hasn't approved this consumer",
      });

      const approve = (scopes: string[]) =>
        s.admin('POST', '/admin/v1/approvals', { clientId: b.clientId, username: b.username, scopes });
      assert.equal((await approve(['api'])).status, 201);
      const noOffline = await token(grantAssertion(s, b));
      assert.equal(noOffline.body.error_description, "user hasn't approved this consumer");

      assert.equal((await approve(['refresh_token'])).status, 201);
      const ok = await token(grantAssertion(s, b));
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(ok.body.scope.split(' ').sort(), ['api', 'refresh_token']);
      assert.equal((await token(grantAssertion(s, b), { scope: 'api' })).body.scope, 'api');
      assert.equal((await token(grantAssertion(s, b), { scope: 'id' })).body.error, 'invalid_scope');
    });

    const INVALID = { status: 400, error: 'invalid_grant', error_description: 'invalid assertion' };
    const refusals: {
      name: string;
      make: () => Promise<Record<string, string>> | Record<string, string>;
      want: { status: number; error: string; error_description: string };
    }[] = [
      {
        name: 'not pre-authorized',
        make: async () => ({ assertion: grantAssertion(s, await jwtApp(s, key, { preauthorize: false })) }),
        want: {
          status: 400,
          error: 'invalid_app_access',
          error_description: 'user is not admin approved to access this app',
        },
      },
      {
        name: 'unknown iss',
        make: () => ({ assertion: grantAssertion(s, a, { iss: '3MVG9nobody' }) }),
        want: { status: 400, error: 'invalid_client_id', error_description: 'client identifier invalid' },
      },
      {
        name: 'wrong aud',
        make: () => ({ assertion: grantAssertion(s, a, { aud: 'https://test.salesforce.com' }) }),
        want: { status: 400, error: 'invalid_grant', error_description: 'audience is invalid' },
      },
      {
        name: 'expired beyond the skew',
        make: () => ({
          assertion: grantAssertion(s, a, { iat: FROZEN_NOW / 1000 - 200, exp: FROZEN_NOW / 1000 - 61 }),
        }),
        want: { status: 400, error: 'invalid_grant', error_description: 'expired authorization code' },
      },
      {
        name: 'lifetime over the app maximum',
        make: () => ({ assertion: grantAssertion(s, a, { exp: FROZEN_NOW / 1000 + 3600 }) }),
        want: {
          status: 400,
          error: 'invalid_grant',
          error_description: 'assertion lifetime exceeds 300 seconds (exp - iat, or exp - now)',
        },
      },
      {
        name: 'signed by an unregistered key',
        make: () => ({ assertion: grantAssertion(s, { ...a, key: attacker }) }),
        want: INVALID,
      },
      {
        name: 'alg none',
        make: () => ({ assertion: grantAssertion(s, a, {}, { alg: 'none' }) }),
        want: INVALID,
      },
      {
        name: 'HS256 keyed with the certificate',
        make: () => ({
          assertion: grantAssertion(s, a, {}, { alg: 'HS256', hmacSecret: key.certificatePem }),
        }),
        want: INVALID,
      },
      {
        name: 'non-canonical signature encoding',
        make: () => {
          const j = grantAssertion(s, a);
          const sig = j.split('.')[2] as string;
          const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(
            sig.at(-1) as string,
          );
          return {
            assertion: swap(
              j,
              2,
              sig.slice(0, -1) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[last + 1],
            ),
          };
        },
        want: INVALID,
      },
      {
        name: 'unknown user',
        make: () => ({ assertion: grantAssertion(s, a, { sub: 'nobody@example.com' }) }),
        want: INVALID,
      },
      {
        name: 'username differing in case',
        make: () => ({ assertion: grantAssertion(s, a, { sub: a.username.toUpperCase() }) }),
        want: INVALID,
      },
      {
        name: 'username with a trailing space',
        make: () => ({ assertion: grantAssertion(s, a, { sub: `${a.username} ` }) }),
        want: INVALID,
      },
      {
        name: 'inactive user',
        make: async () => ({
          assertion: grantAssertion(s, await jwtApp(s, key, { user: { active: false } })),
        }),
        want: { status: 400, error: 'inactive_user', error_description: 'user is inactive' },
      },
      {
        name: 'more than 20 additional claims',
        make: () => ({
          assertion: grantAssertion(
            s,
            a,
            Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`c${i}`, i])),
          ),
        }),
        want: {
          status: 400,
          error: 'invalid_grant',
          error_description: 'assertion has more than 20 additional claims',
        },
      },
      {
        name: 'no assertion',
        make: () => ({}),
        want: { status: 400, error: 'invalid_request', error_description: 'assertion is missing' },
      },
      { name: 'garbage assertion', make: () => ({ assertion: 'not.a.jwt' }), want: INVALID },
    ];

    for (const row of refusals) {
      test(`refused, no token written: ${row.name}`, async () => {
        const params = await row.make();
        await drainTokens(s);
        const r = await s.form(TOKEN_PATH, { grant_type: JWT_BEARER, ...params });
        assert.equal(r.status, row.want.status, r.text);
        assert.deepEqual(r.body, { error: row.want.error, error_description: row.want.error_description });
        assert.equal(r.headers.get('cache-control'), 'no-store');
        assert.equal(await drainTokens(s), 0);
      });
    }

    test('replay: the same assertion twice, with and without jti', async () => {
      for (const claims of [{ jti: 'jti-1' }, { jti: undefined, nonce: 1 }]) {
        const assertion = grantAssertion(s, a, claims);
        assert.equal((await token(assertion)).status, 200);
        const again = await token(assertion);
        assert.equal(again.status, 400);
        assert.deepEqual(again.body, { error: 'invalid_grant', error_description: 'jti already in use' });
      }
    });

    test('replay: a jti is single-use per app even in a different assertion', async () => {
      assert.equal((await token(grantAssertion(s, a, { jti: 'shared' }))).status, 200);
      const other = await token(grantAssertion(s, a, { jti: 'shared', exp: FROZEN_NOW / 1000 + 100 }));
      assert.equal(other.body.error_description, 'jti already in use');
      const b = await jwtApp(s, key);
      assert.equal(
        (await token(grantAssertion(s, b, { jti: 'shared' }))).status,
        200,
        'another app may use it',
      );
    });

    test('replay: an ECDSA signature re-formed as (r, n − s) is the same assertion', async () => {
      const ec = await makeKey('ec256');
      const b = await jwtApp(s, ec);
      const first = grantAssertion(s, b, { jti: undefined });
      assert.equal((await token(first)).status, 200);
      const twin = await token(malleate(first));
      assert.equal(twin.body.error_description, 'jti already in use');
    });

    test('a raw signed assertion with a duplicate sub is refused', async () => {
      const now = FROZEN_NOW / 1000;
      const raw = `{"iss":"${a.clientId}","sub":"someone@else","aud":"${s.url}","exp":${now + 60},"sub":"${a.username}"}`;
      const r = await token(signJwt(raw, key));
      assert.deepEqual(r.body, { error: 'invalid_grant', error_description: 'invalid assertion' });
    });
  });
}
