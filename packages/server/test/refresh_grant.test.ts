/**
 * The refresh_token grant (RFC 6749 §6) over HTTP on both stores: the response,
 * client authentication as the app requires (secret, private_key_jwt, or client_id
 * alone for a public app), the client binding (§10.4), scope narrowing, and the
 * refusals with their exact codes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { findAccessTokenRecord } from '../src/oauth/tokens/access_token.ts';
import { CLIENT_ASSERTION_TYPE, FROZEN_NOW, makeKey, signJwt } from './assertions.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import {
  api,
  assertExpired,
  liveTokens,
  type RefreshClient,
  refreshClient,
  TOKEN,
} from './refresh_fixtures.ts';

for (const kind of DB_KINDS) {
  describe(`refresh_token grant (${kind})`, () => {
    let s: TestServer;
    let c: RefreshClient;
    let other: RefreshClient;

    before(async () => {
      s = await startTestServer(kind, { now: () => FROZEN_NOW });
      c = await refreshClient(s);
      other = await refreshClient(s);
    });
    after(() => s.stop());

    test('200 with Salesforce fields, a rotated refresh token and an access token that works', async () => {
      const f = await c.start();
      const r = await c.refresh(f.refreshToken);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      const b = r.body;
      assert.match(b.refresh_token, /^5Aep861[A-Za-z0-9_-]{43}$/);
      assert.notEqual(b.refresh_token, f.refreshToken);
      assert.notEqual(b.access_token, f.accessToken);
      assert.equal(b.scope, 'api id refresh_token');
      assert.equal(b.instance_url, s.url);
      assert.equal(b.id, `${s.url}/id/${s.ctx.orgId}/${c.user.id}`);
      assert.equal(b.token_type, 'Bearer');
      assert.equal(b.issued_at, String(FROZEN_NOW));
      assert.equal(b.expires_in, 7200);
      assert.equal(typeof b.signature, 'string', 'the secret was presented');
      assert.equal((await api(s, b.access_token)).status, 200);
      // The old token is spent; the successor is the family's one live token.
      assert.equal(await liveTokens(s, f.familyId), 1);
      const rec = await s.ctx.store.accessTokens.findById((await findAccess(b.access_token)).id);
      assert.equal(rec?.familyId, f.familyId);
      assert.equal(rec?.grantType, 'refresh_token');
    });

    async function findAccess(token: string) {
      const rec = await findAccessTokenRecord(s.ctx, token);
      assert.ok(rec);
      return rec;
    }

    test('client_secret_post works like Basic', async () => {
      const f = await c.start();
      const r = await c.refresh(
        f.refreshToken,
        { client_id: c.clientId, client_secret: c.secret },
        { auth: false },
      );
      assert.equal(r.status, 200, r.text);
    });

    test('private_key_jwt authenticates a refresh (no signature: no secret)', async () => {
      const key = await makeKey('ec256');
      const k = await refreshClient(s, { app: { certificates: [key.certificatePem] } });
      const f = await k.start();
      const assertion = signJwt(
        {
          iss: k.clientId,
          sub: k.clientId,
          aud: s.url,
          jti: randomUUID(),
          iat: FROZEN_NOW / 1000,
          exp: FROZEN_NOW / 1000 + 60,
        },
        key,
      );
      const r = await k.refresh(
        f.refreshToken,
        { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion },
        { auth: false },
      );
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.signature, undefined);
      assert.ok(r.body.refresh_token);
    });

    test('requireSecret (default): client_id alone is 401 invalid_client and the token stays live', async () => {
      const f = await c.start();
      const r = await c.refresh(f.refreshToken, { client_id: c.clientId }, { auth: false });
      assert.equal(r.status, 401, r.text);
      assert.equal(r.body.error, 'invalid_client');
      assert.equal((await c.refresh(f.refreshToken)).status, 200);
    });

    test('no client at all is 401 invalid_client; an unknown client_id is 400 invalid_client_id', async () => {
      const f = await c.start();
      const none = await s.form(TOKEN, { grant_type: 'refresh_token', refresh_token: f.refreshToken });
      assert.equal(none.status, 401);
      assert.equal(none.body.error, 'invalid_client');
      const unknown = await c.refresh(f.refreshToken, { client_id: '3MVG9nobody' }, { auth: false });
      assert.equal(unknown.status, 400);
      assert.deepEqual(unknown.body, {
        error: 'invalid_client_id',
        error_description: 'client identifier invalid',
      });
    });

    test('a wrong secret is 401 invalid_client', async () => {
      const f = await c.start();
      const r = await s.form(
        TOKEN,
        { grant_type: 'refresh_token', refresh_token: f.refreshToken },
        { authorization: basic(c.clientId, 'wrong') },
      );
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_client');
    });

    test('a public app (requireSecret false) refreshes with client_id alone, and must rotate', async () => {
      const pub = await refreshClient(s, { app: { refreshToken: { requireSecret: false } } });
      const f = await pub.start();
      const r = await pub.refresh(f.refreshToken, { client_id: pub.clientId }, { auth: false });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.signature, undefined);
      assert.ok(r.body.refresh_token, 'rotated');
      // Credentials that are sent must still be right.
      const bad = await s.form(
        TOKEN,
        { grant_type: 'refresh_token', refresh_token: r.body.refresh_token },
        { authorization: basic(pub.clientId, 'wrong') },
      );
      assert.equal(bad.status, 401);
    });

    test("another client's refresh token is invalid_grant and does not harm the family (RFC 6749 §10.4)", async () => {
      const f = await c.start();
      assertExpired(await other.refresh(f.refreshToken));
      const pub = await refreshClient(s, { app: { refreshToken: { requireSecret: false } } });
      assertExpired(await pub.refresh(f.refreshToken, { client_id: pub.clientId }, { auth: false }));
      assert.equal((await c.refresh(f.refreshToken)).status, 200);
    });

    test('missing refresh_token is invalid_request; an unknown one is invalid_grant', async () => {
      const r = await s.form(
        TOKEN,
        { grant_type: 'refresh_token' },
        { authorization: basic(c.clientId, c.secret) },
      );
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, { error: 'invalid_request', error_description: 'refresh_token is missing' });
      assertExpired(await c.refresh('5Aep861notatoken'));
      assertExpired(await c.refresh('x'.repeat(600)));
    });

    test('scope may only narrow; the successor keeps the family scope (RFC 6749 §6)', async () => {
      const f = await c.start();
      const narrow = await c.refresh(f.refreshToken, { scope: 'api' });
      assert.equal(narrow.status, 200, narrow.text);
      assert.equal(narrow.body.scope, 'api');
      const introspected = await s.form(
        '/services/oauth2/introspect',
        { token: narrow.body.access_token },
        { authorization: basic(c.clientId, c.secret) },
      );
      assert.equal(introspected.body.scope, 'api');
      const full = await c.refresh(narrow.body.refresh_token);
      assert.equal(full.status, 200);
      assert.equal(full.body.scope, 'api id refresh_token');
      const wider = await c.refresh(full.body.refresh_token, { scope: 'api web' });
      assert.equal(wider.status, 400);
      assert.equal(wider.body.error, 'invalid_scope');
      // A refused widening spends nothing.
      assert.equal((await c.refresh(full.body.refresh_token)).status, 200);
    });

    test('an inactive user gets inactive_user; reactivated, the family works again', async () => {
      const u = await refreshClient(s);
      const f = await u.start();
      const off = await s.admin('PATCH', `/admin/v1/users/${encodeURIComponent(u.user.username)}`, {
        active: false,
      });
      assert.equal(off.status, 200, off.text);
      const r = await u.refresh(f.refreshToken);
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, { error: 'inactive_user', error_description: 'user is inactive' });
      await s.admin('PATCH', `/admin/v1/users/${encodeURIComponent(u.user.username)}`, { active: true });
      assert.equal((await u.refresh(f.refreshToken)).status, 200);
    });

    test('admin_approved apps: a user no longer pre-authorized gets invalid_app_access', async () => {
      const a = await refreshClient(s, { app: { permittedUsers: 'admin_approved' } });
      const pre = await s.admin('POST', `/admin/v1/apps/${a.clientId}/preauthorizations`, {
        username: a.user.username,
      });
      assert.equal(pre.status, 201, pre.text);
      const f = await a.start();
      const ok = await a.refresh(f.refreshToken);
      assert.equal(ok.status, 200, ok.text);
      const del = await s.admin('DELETE', `/admin/v1/apps/${a.clientId}/preauthorizations/${pre.body.id}`);
      assert.equal(del.status, 204, del.text);
      const r = await a.refresh(ok.body.refresh_token);
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_app_access');
    });

    test('every attempt is audited with grant type refresh_token; tokens never appear', async () => {
      const f = await c.start();
      await c.refresh(f.refreshToken);
      const r = await s.admin('GET', `/admin/v1/audit?clientId=${c.clientId}&grantType=refresh_token`);
      assert.equal(r.status, 200);
      assert.ok(r.body.some((e: { result: string }) => e.result === 'success'));
      assert.ok(!r.text.includes(f.refreshToken));
      assert.ok(!r.text.includes('5Aep861'));
    });

    test('grant_types_supported lists refresh_token', async () => {
      const r = await s.get('/.well-known/openid-configuration');
      assert.ok(r.body.grant_types_supported.includes('refresh_token'));
    });
  });
}
