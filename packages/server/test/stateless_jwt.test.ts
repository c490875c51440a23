/**
 * Issue #8: JWT access tokens of grants without a refresh family (client_credentials,
 * jwt-bearer, saml2-bearer) are stateless — no access_tokens row; revocation (RFC 7009) and
 * approval revocation are kept in token_revocations and in memory; introspection (RFC 7662)
 * answers as before. On both stores, over real HTTP.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { DEFAULTS } from '../src/config/index.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { Purger } from '../src/services/purge.ts';
import { parseDatabaseUrl } from '../src/store/open.ts';
import { grantAssertion, JWT_BEARER, jwtApp, makeKey, TOKEN_PATH } from './assertions.ts';
import { ADMIN_TOKEN, basic, DB_KINDS, startTestServer, type TestServer, toResult } from './harness.ts';

const ROOT = `/services/data/v${API_VERSION}/`;
const INVALID_SESSION = '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]';
const TTL = 600;

/** Rows of a table, counted on a connection of its own. */
async function countRows(url: string, table: 'access_tokens' | 'token_revocations'): Promise<number> {
  const { dialect, target } = parseDatabaseUrl(url);
  if (dialect === 'sqlite') {
    const db = new SQLite(target, { readonly: true });
    try {
      return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  try {
    return (await c.query(`select count(*)::int as n from ${table}`)).rows[0].n;
  } finally {
    await c.end();
  }
}

for (const kind of DB_KINDS) {
  describe(`stateless JWT access tokens (${kind})`, () => {
    let s: TestServer;
    // Frozen, 100 ms into a second: the approval test moves it within one second.
    let clock = Math.floor(Date.now() / 1000) * 1000 + 100;
    let cc: { clientId: string; secret: string; userId: string; username: string };
    let other: { clientId: string; secret: string };

    const api = (token: string) => s.get(ROOT, { authorization: `Bearer ${token}` });
    const rows = (t: 'access_tokens' | 'token_revocations') => countRows(s.databaseUrl, t);
    const mintCc = async () => {
      const r = await s.form(
        TOKEN_PATH,
        { grant_type: 'client_credentials' },
        { authorization: basic(cc.clientId, cc.secret) },
      );
      assert.equal(r.status, 200, r.text);
      return r.body.access_token as string;
    };
    const introspect = (c: { clientId: string; secret: string }, token: string) =>
      s.form('/services/oauth2/introspect', { token }, { authorization: basic(c.clientId, c.secret) });
    async function assertRefused(token: string, why: string) {
      const r = await api(token);
      assert.equal(r.status, 401, why);
      assert.equal(r.text, INVALID_SESSION, why);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="s2s-oauth", error="invalid_token"', why);
    }

    before(async () => {
      s = await startTestServer(kind, { now: () => clock });
      const user = await s.newUser();
      const made = await s.newApp({
        scopes: ['api', 'id'],
        clientCredentials: { enabled: true, runAs: user.username },
        accessToken: { format: 'jwt', ttlSeconds: TTL },
      });
      cc = {
        clientId: made.app.clientId,
        secret: made.clientSecret,
        userId: user.id,
        username: user.username,
      };
      const o = await s.newApp({ scopes: ['api'] });
      other = { clientId: o.app.clientId, secret: o.clientSecret };
    });
    after(() => s.stop());

    test('issuance writes no row; the jti says stateless; the API, userinfo and introspection accept it', async () => {
      const before = await rows('access_tokens');
      const token = await mintCc();
      assert.equal(await rows('access_tokens'), before, 'no access_tokens row');
      const claims = decodeJwt(token);
      assert.match(String(claims.jti), /^st-[0-9a-f-]{36}$/);
      assert.equal(claims.s2s_grant_type, 'client_credentials');
      assert.equal(claims.s2s_iat_ms, clock);
      assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
      const r = await api(token);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.identity.split('/').at(-1), cc.userId);
      const info = await s.get('/services/oauth2/userinfo', { authorization: `Bearer ${token}` });
      assert.equal(info.status, 200, info.text);
      assert.equal(info.body.user_id, cc.userId);
      // RFC 7662 §2.2: the same fields as a recorded token.
      const iat = Math.floor(clock / 1000);
      const i = await introspect(cc, token);
      assert.equal(i.status, 200);
      assert.deepEqual(i.body, {
        active: true,
        scope: 'api id',
        client_id: cc.clientId,
        username: cc.username,
        sub: `${s.url}/id/${s.ctx.orgId}/${cc.userId}`,
        user_id: cc.userId,
        token_type: 'access_token',
        exp: iat + TTL,
        iat,
        nbf: iat,
        iss: s.url,
      });
      // Another app may not see it (RFC 7662 §2.2: not active for that caller).
      assert.deepEqual((await introspect(other, token)).body, { active: false });
    });

    test('an opaque token of the same grant still writes its row', async () => {
      const user = await s.newUser();
      const { app, clientSecret } = await s.newApp({
        clientCredentials: { enabled: true, runAs: user.username },
        accessToken: { format: 'opaque', ttlSeconds: TTL },
      });
      const before = await rows('access_tokens');
      const r = await s.form(
        TOKEN_PATH,
        { grant_type: 'client_credentials' },
        { authorization: basic(app.clientId, clientSecret) },
      );
      assert.equal(r.status, 200, r.text);
      assert.equal(await rows('access_tokens'), before + 1);
    });

    test('revoke (RFC 7009): one revocation row, 401 INVALID_SESSION_ID, introspection inactive', async () => {
      const token = await mintCc();
      const keep = await mintCc();
      assert.equal((await api(token)).status, 200);
      // §2.1: another client may not revoke it; the token lives on.
      const foreign = await s.form(
        '/services/oauth2/revoke',
        { token },
        { authorization: basic(other.clientId, other.secret) },
      );
      assert.equal(foreign.status, 400);
      assert.deepEqual(foreign.body, {
        error: 'unauthorized_client',
        error_description: 'the token was not issued to this client',
      });
      assert.equal((await api(token)).status, 200);
      const before = await rows('token_revocations');
      const r = await s.form('/services/oauth2/revoke', { token });
      assert.equal(r.status, 200);
      assert.equal(r.text, '');
      assert.equal(await rows('token_revocations'), before + 1);
      await assertRefused(token, 'revoked');
      assert.deepEqual((await introspect(cc, token)).body, { active: false });
      assert.equal((await api(keep)).status, 200, 'only that token is revoked');
      // §2.2: revoking it again answers 200 and writes nothing.
      assert.equal((await s.form('/services/oauth2/revoke', { token })).status, 200);
      assert.equal(await rows('token_revocations'), before + 1);
    });

    test('forgeries: a stateless jti signed by another key, a bare st- jti, a jti swapped in', async () => {
      const token = await mintCc();
      const claims = decodeJwt(token);
      const { kid } = decodeProtectedHeader(token);
      const { privateKey } = await generateKeyPair('ES256');
      const foreign = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: kid!, typ: 'at+jwt' })
        .sign(privateKey);
      await assertRefused(foreign, 'another key');
      // Our key, but none of the claims a stateless record is rebuilt from.
      const { s2s_iat_ms: _ms, s2s_grant_type: _gt, ...bare } = claims;
      await assertRefused(s.ctx.keys.signJwt(bare, 'at+jwt'), 'no s2s_iat_ms');
      // A recorded-form jti with no row behind it.
      await assertRefused(s.ctx.keys.signJwt({ ...claims, jti: randomUUID() }, 'at+jwt'), 'no row');
      // The payload changed (a fresh st- jti, to dodge a revocation) without re-signing.
      const [h, , sig] = token.split('.');
      const payload = Buffer.from(JSON.stringify({ ...claims, jti: `st-${randomUUID()}` })).toString(
        'base64url',
      );
      await assertRefused(`${h}.${payload}.${sig}`, 'jti swapped');
    });

    test('approval revoked: jwt-bearer tokens issued before it die, those after re-approval live', async () => {
      const key = await makeKey('rsa');
      const a = await jwtApp(s, key, {
        preauthorize: false,
        app: { permittedUsers: 'all_users', accessToken: { format: 'jwt', ttlSeconds: TTL } },
      });
      const approve = async () => {
        const r = await s.admin('POST', '/admin/v1/approvals', {
          clientId: a.clientId,
          username: a.username,
          scopes: ['api', 'refresh_token'],
        });
        assert.equal(r.status, 201, r.text);
        return r.body.id as string;
      };
      const grant = async () => {
        const r = await s.form(TOKEN_PATH, { grant_type: JWT_BEARER, assertion: grantAssertion(s, a) });
        assert.equal(r.status, 200, r.text);
        assert.equal(decodeJwt(r.body.access_token).s2s_grant_type, JWT_BEARER);
        return r.body.access_token as string;
      };
      const second = clock - (clock % 1000);
      const id = await approve();
      const rowsBefore = await rows('access_tokens');
      clock = second + 200;
      const early = await grant();
      clock = second + 400;
      const late = await grant();
      assert.equal(await rows('access_tokens'), rowsBefore, 'jwt-bearer JWTs have no row');
      for (const t of [early, late]) assert.equal((await api(t)).status, 200);
      // Revoked at +500 ms: both tokens were issued before, in the same second (same `iat`).
      clock = second + 500;
      assert.equal((await s.admin('DELETE', `/admin/v1/approvals/${id}`)).status, 204);
      await assertRefused(early, 'issued before the approval was revoked');
      await assertRefused(late, 'issued earlier in the same second');
      assert.deepEqual((await introspect({ clientId: a.clientId, secret: a.clientSecret }, late)).body, {
        active: false,
      });
      // Re-approved in that same millisecond: a token of that millisecond counts as before.
      await approve();
      const same = await grant();
      await assertRefused(same, 'issued in the very millisecond of the revocation');
      // One millisecond later, same second (same `iat` as the revoked ones): live.
      clock = second + 501;
      const after = await grant();
      assert.equal(decodeJwt(after).iat, decodeJwt(early).iat);
      assert.equal((await api(after)).status, 200);
      assert.equal(
        (await introspect({ clientId: a.clientId, secret: a.clientSecret }, after)).body.active,
        true,
      );
      // Other apps' tokens for other users are untouched.
      assert.equal((await api(await mintCc())).status, 200);
    });

    test('purge: expired revocations leave the table and the memory', async () => {
      const token = await mintCc();
      assert.equal((await s.form('/services/oauth2/revoke', { token })).status, 200);
      assert.ok((await rows('token_revocations')) > 0);
      assert.ok(s.ctx.revocations.size.jtis > 0);
      // Not yet: the token could still be live.
      const early = await new Purger(s.ctx.store, { intervalMs: 0, now: () => clock }).runOnce();
      assert.equal(early.tokenRevocations, 0);
      // Two days on, nothing it covers can be live (the longest lifetime is a day).
      clock += 2 * 86_400_000;
      const counts = await new Purger(s.ctx.store, { intervalMs: 0, now: () => clock }).runOnce();
      assert.ok(counts.tokenRevocations > 0, JSON.stringify(counts));
      assert.equal(await rows('token_revocations'), 0);
      await s.ctx.revocations.refresh();
      assert.deepEqual(s.ctx.revocations.size, { jtis: 0, cutoffs: 0 });
    });
  });

  describe(`stateless JWT revocations survive a restart (${kind})`, () => {
    let s: TestServer;
    let restarted: RunningServer | undefined;

    before(async () => {
      s = await startTestServer(kind);
    });
    after(async () => {
      await restarted?.close();
      await s.stop();
    });

    test('a revocation made before the restart is loaded at start', async () => {
      const user = await s.newUser();
      const { app, clientSecret } = await s.newApp({
        clientCredentials: { enabled: true, runAs: user.username },
        accessToken: { format: 'jwt', ttlSeconds: TTL },
      });
      const mint = async () =>
        (
          await s.form(
            TOKEN_PATH,
            { grant_type: 'client_credentials' },
            { authorization: basic(app.clientId, clientSecret) },
          )
        ).body.access_token as string;
      const [revoked, live] = [await mint(), await mint()];
      assert.equal((await s.form('/services/oauth2/revoke', { token: revoked })).status, 200);
      const port = Number(new URL(s.listenUrl).port);
      await s.close();
      // Same database, same port: the same issuer, so the tokens are ours.
      restarted = await startServer({
        ...DEFAULTS,
        port,
        host: '127.0.0.1',
        databaseUrl: s.databaseUrl,
        demo: false,
        adminToken: ADMIN_TOKEN,
        logLevel: 'silent',
      });
      assert.equal(restarted.url, s.url);
      const api = async (token: string) =>
        toResult(await fetch(restarted!.url + ROOT, { headers: { authorization: `Bearer ${token}` } }));
      assert.equal((await api(live)).status, 200);
      const r = await api(revoked);
      assert.equal(r.status, 401);
      assert.equal(r.text, INVALID_SESSION);
    });
  });
}
