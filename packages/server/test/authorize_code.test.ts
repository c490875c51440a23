// The authorization_code grant's rules (RFC 6749 §4.1.3, RFC 7636 §4.5–4.6, RFC 9700 §2.1.1, §4.5):
// every refusal at the token endpoint with its exact error, PKCE, redirect_uri and client
// binding, the 60-second lifetime on a frozen clock, and a second use revoking what the first
// one issued.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CALLBACK, type Client, codeClient, exchange, obtainCode, pkce } from './authorize_flow.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const T0 = 1_900_000_000_000;
const USERINFO = '/services/oauth2/userinfo';

for (const kind of DB_KINDS) {
  describe(`authorization code: the token request (${kind})`, () => {
    let s: TestServer;
    let now = T0;
    let c: Client;

    before(async () => {
      s = await startTestServer(kind, { now: () => now });
    });
    beforeEach(async () => {
      now += 3_600_000;
      c = await codeClient(s);
    });
    after(() => s.stop());

    const userinfo = (token: string) => s.get(USERINFO, { authorization: `Bearer ${token}` });
    const refresh = (token: string) =>
      s.form(
        '/services/oauth2/token',
        { grant_type: 'refresh_token', refresh_token: token },
        { authorization: basic(c.app.clientId, c.secret) },
      );

    test('PKCE at the token endpoint: mismatch, missing, malformed, and a verifier without a challenge', async () => {
      const { verifier, challenge } = pkce();
      const params = { code_challenge: challenge, code_challenge_method: 'S256' };
      const cases: [Record<string, string>, string][] = [
        [{ code_verifier: pkce().verifier }, 'code_verifier does not match the code_challenge'],
        [{}, 'code_verifier is missing'],
        [{ code_verifier: 'short' }, 'code_verifier is malformed'],
        [{ code_verifier: `${verifier}!` }, 'code_verifier is malformed'],
      ];
      const { code, browser } = await obtainCode(s, c, params);
      for (const [extra, description] of cases) {
        const r = await exchange(s, c, { code, ...extra });
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, { error: 'invalid_grant', error_description: description });
      }
      // Refusals do not use the code up: the right verifier still works.
      assert.equal((await exchange(s, c, { code, code_verifier: verifier })).status, 200);
      // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is refused.
      const { code: plain } = await obtainCode(s, c, {}, browser);
      const r = await exchange(s, c, { code: plain, code_verifier: verifier });
      assert.deepEqual(r.body, {
        error: 'invalid_grant',
        error_description: 'code_verifier was sent but the authorization request had no code_challenge',
      });
    });

    test('a challenge without a method is S256 (as Salesforce, for jsforce); verifiers up to 256 characters', async () => {
      const verifier = 'v'.repeat(171);
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const { code } = await obtainCode(s, c, { code_challenge: challenge });
      assert.deepEqual((await exchange(s, c, { code, code_verifier: 'v'.repeat(170) })).body, {
        error: 'invalid_grant',
        error_description: 'code_verifier does not match the code_challenge',
      });
      assert.deepEqual((await exchange(s, c, { code, code_verifier: 'v'.repeat(257) })).body, {
        error: 'invalid_grant',
        error_description: 'code_verifier is malformed',
      });
      assert.equal((await exchange(s, c, { code, code_verifier: verifier })).status, 200);
    });

    test('redirect_uri must be the one of the request; missing code or redirect_uri is invalid_request', async () => {
      const other = 'https://client.example/other';
      await s.admin('PATCH', `/admin/v1/apps/${c.app.clientId}`, { callbackUrls: [CALLBACK, other] });
      const { code } = await obtainCode(s, c);
      const wrong = await exchange(s, c, { code, redirect_uri: other });
      assert.equal(wrong.status, 400);
      assert.deepEqual(wrong.body, {
        error: 'invalid_grant',
        error_description: 'redirect_uri does not match the authorization request',
      });
      const missingUri = await s.form(
        '/services/oauth2/token',
        { grant_type: 'authorization_code', code },
        { authorization: basic(c.app.clientId, c.secret) },
      );
      assert.deepEqual(missingUri.body, {
        error: 'invalid_request',
        error_description: 'redirect_uri is missing',
      });
      const missingCode = await exchange(s, c, {});
      assert.deepEqual(missingCode.body, { error: 'invalid_request', error_description: 'code is missing' });
      const unknown = await exchange(s, c, { code: 'A'.repeat(43) });
      assert.deepEqual(unknown.body, {
        error: 'invalid_grant',
        error_description: 'invalid authorization code',
      });
      assert.equal((await exchange(s, c, { code })).status, 200);
    });

    test('a loopback redirect with a port: the token request must repeat that exact URI', async () => {
      const native = await codeClient(s, { app: { callbackUrls: ['http://127.0.0.1/callback'] } });
      const uri = 'http://127.0.0.1:49152/callback';
      const { code, location } = await obtainCode(s, native, { redirect_uri: uri });
      assert.equal(location.origin, 'http://127.0.0.1:49152');
      const registered = await exchange(s, native, { code, redirect_uri: 'http://127.0.0.1/callback' });
      assert.equal(
        registered.body.error_description,
        'redirect_uri does not match the authorization request',
      );
      assert.equal((await exchange(s, native, { code, redirect_uri: uri })).status, 200);
    });

    test('the code lives 60 seconds (frozen clock)', async () => {
      const first = await obtainCode(s, c);
      const second = await obtainCode(s, c, { state: 'b' }, first.browser);
      now += 59_999;
      assert.equal((await exchange(s, c, { code: first.code })).status, 200);
      now += 1;
      const late = await exchange(s, c, { code: second.code });
      assert.equal(late.status, 400);
      assert.deepEqual(late.body, {
        error: 'invalid_grant',
        error_description: 'expired authorization code',
      });
    });

    test('client binding: the secret is required, another client is invalid_grant, a wrong secret 401', async () => {
      const { code } = await obtainCode(s, c);
      const none = await exchange(s, c, { code, client_id: c.app.clientId }, { auth: false });
      assert.equal(none.status, 401);
      assert.equal(none.body.error, 'invalid_client');
      const stranger = await codeClient(s);
      const other = await s.form(
        '/services/oauth2/token',
        { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
        { authorization: basic(stranger.app.clientId, stranger.secret) },
      );
      assert.deepEqual(other.body, {
        error: 'invalid_grant',
        error_description: 'authorization code was issued to another client',
      });
      const badSecret = await s.form(
        '/services/oauth2/token',
        { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
        { authorization: basic(c.app.clientId, 'wrong') },
      );
      assert.equal(badSecret.status, 401);
      // client_secret_post works too, and the code was not used up by the refusals.
      const post = await s.form('/services/oauth2/token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        client_id: c.app.clientId,
        client_secret: c.secret,
      });
      assert.equal(post.status, 200, post.text);
    });

    test('a public client exchanges with client_id and the PKCE verifier, no secret', async () => {
      const pub = await codeClient(s, { app: { refreshToken: { requireSecret: false } } });
      const { verifier, challenge } = pkce();
      const { code } = await obtainCode(s, pub, { code_challenge: challenge, code_challenge_method: 'S256' });
      const noId = await exchange(s, pub, { code, code_verifier: verifier }, { auth: false });
      assert.deepEqual(noId.body, { error: 'invalid_request', error_description: 'client_id is missing' });
      const r = await exchange(
        s,
        pub,
        { code, code_verifier: verifier, client_id: pub.app.clientId },
        { auth: false },
      );
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.signature, undefined, 'no secret, no signature');
    });

    test('a code used twice: invalid_grant, and the first access and refresh tokens are revoked', async () => {
      const { code } = await obtainCode(s, c, { scope: 'api refresh_token' });
      const first = await exchange(s, c, { code });
      assert.equal(first.status, 200);
      assert.equal((await userinfo(first.body.access_token)).status, 200);
      const second = await exchange(s, c, { code });
      assert.equal(second.status, 400);
      assert.deepEqual(second.body, {
        error: 'invalid_grant',
        error_description: 'invalid authorization code',
      });
      assert.equal((await userinfo(first.body.access_token)).status, 401);
      const r = await refresh(first.body.refresh_token);
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_grant');
      // Even a stranger presenting the used code triggers the revocation (it leaked).
      const third = await exchange(s, c, { code }, { auth: false });
      assert.equal(third.body.error, 'invalid_grant');
    });

    test('ten parallel exchanges of one code: at most one 200, and nothing issued stays usable', async () => {
      const { code } = await obtainCode(s, c, { scope: 'api refresh_token' });
      const results = await Promise.all(Array.from({ length: 10 }, () => exchange(s, c, { code })));
      const ok = results.filter((r) => r.status === 200);
      assert.ok(ok.length <= 1, `${ok.length} successes`);
      for (const r of results.filter((x) => x.status !== 200)) {
        assert.deepEqual(r.body, { error: 'invalid_grant', error_description: 'invalid authorization code' });
      }
      for (const r of ok) {
        assert.equal((await userinfo(r.body.access_token)).status, 401);
        assert.equal((await refresh(r.body.refresh_token)).status, 400);
      }
    });

    test('an approval revoked before the exchange, or an inactive user, refuses the code', async () => {
      const { code } = await obtainCode(s, c);
      const approval = await s.ctx.store.approvals.find(c.app.id, c.user.id);
      assert.ok(approval);
      assert.equal((await s.admin('DELETE', `/admin/v1/approvals/${approval.id}`)).status, 204);
      const r = await exchange(s, c, { code });
      assert.deepEqual(r.body, {
        error: 'invalid_grant',
        error_description: "user hasn't approved this consumer",
      });

      const d = await codeClient(s);
      const { code: code2 } = await obtainCode(s, d);
      assert.equal((await s.admin('PATCH', `/admin/v1/users/${d.user.id}`, { active: false })).status, 200);
      const r2 = await exchange(s, d, { code: code2 });
      assert.deepEqual(r2.body, { error: 'inactive_user', error_description: 'user is inactive' });
    });
  });
}
