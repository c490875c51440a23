/**
 * What must hold across processes sharing one database, as reusable cases: each takes the
 * servers to spread requests over (two `s2s serve` processes, or one with several workers) and
 * checks the outcome over HTTP. Used by scaleout.test.ts (PostgreSQL) and cluster.test.ts (SQLite).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Hex } from '../src/domain/hashing.ts';
import { newRefreshToken, refreshTokenHash } from '../src/oauth/tokens/refresh_token.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { openStore } from '../src/store/open.ts';
import { JWT_BEARER, makeKey, signJwt, type TestKey } from './assertions.ts';
import type { HttpResult } from './harness.ts';
import { basic, eventually, type Serve, TOKEN_PATH } from './scaleout_helpers.ts';

export const API = `/services/data/v${API_VERSION}/`;

export interface Fixture {
  userId: string;
  username: string;
  cc: { id: string; clientId: string; secret: string };
  jwt: { clientId: string; key: TestKey };
  refresh: { id: string; clientId: string; secret: string };
}

async function created(r: Promise<HttpResult>): Promise<HttpResult['body']> {
  const res = await r;
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** A user, a client-credentials app, a jwt-bearer app and a refresh app, through the admin API. */
export async function fixture(s: Serve): Promise<Fixture> {
  const username = `runner.${randomBytes(3).toString('hex')}@example.com`;
  const user = await created(s.admin('POST', '/admin/v1/users', { username }));
  const key = await makeKey('rsa');
  const app = async (body: Record<string, unknown>) => {
    const a = await created(s.admin('POST', '/admin/v1/apps', { scopes: ['api', 'refresh_token'], ...body }));
    await created(s.admin('POST', `/admin/v1/apps/${a.clientId}/preauthorizations`, { username }));
    return a;
  };
  const policy = { permittedUsers: 'admin_approved', accessToken: { format: 'jwt', ttlSeconds: 3600 } };
  const cc = await app({ name: 'cc', clientCredentials: { enabled: true, runAs: username }, ...policy });
  const jwt = await app({ name: 'jwt', certificates: [key.certificatePem], ...policy });
  const refresh = await app({ name: 'refresh', ...policy });
  return {
    userId: user.id,
    username,
    cc: { id: cc.id, clientId: cc.clientId, secret: cc.clientSecret },
    jwt: { clientId: jwt.clientId, key },
    refresh: { id: refresh.id, clientId: refresh.clientId, secret: refresh.clientSecret },
  };
}

/** `n` requests made at once, request i going to servers[i % servers.length]. */
export function spread(servers: Serve[], n: number, call: (s: Serve, i: number) => Promise<HttpResult>) {
  return Promise.all(Array.from({ length: n }, (_, i) => call(servers[i % servers.length]!, i)));
}

export function clientCredentials(s: Serve, f: Fixture, secret = f.cc.secret): Promise<HttpResult> {
  return s.form(
    TOKEN_PATH,
    { grant_type: 'client_credentials' },
    { authorization: basic(f.cc.clientId, secret) },
  );
}

/** One assertion presented `n` times across the servers: exactly one token. */
export async function replaySplit(servers: Serve[], f: Fixture, issuer: string, n = 20): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const assertion = signJwt(
    { iss: f.jwt.clientId, sub: f.username, aud: issuer, iat: now, exp: now + 120, jti: randomUUID() },
    f.jwt.key,
  );
  const results = await spread(servers, n, (s) => s.form(TOKEN_PATH, { grant_type: JWT_BEARER, assertion }));
  const ok = results.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, `exactly one 200, got ${results.map((r) => r.status).join(',')}`);
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error_description, 'jti already in use');
  }
}

/** One refresh token redeemed `n` times at once across the servers: exactly one rotation. */
export async function refreshRace(servers: Serve[], f: Fixture, databaseUrl: string, n = 20): Promise<void> {
  const token = newRefreshToken();
  const store = await openStore(databaseUrl);
  try {
    const id = randomUUID();
    const now = Date.now();
    await store.refreshTokens.createFamily(
      {
        id,
        appId: f.refresh.id,
        userId: f.userId,
        approvalId: null,
        scopes: ['api', 'refresh_token'],
        createdAt: now,
        expiresAt: null,
        revokedAt: null,
      },
      {
        hash: refreshTokenHash(token),
        familyId: id,
        parentHash: null,
        issuedAt: now,
        lastUsedAt: null,
        retiredAt: null,
        successorHash: null,
        graceSealed: null,
        graceUntil: null,
      },
    );
  } finally {
    await store.close();
  }
  const auth = { authorization: basic(f.refresh.clientId, f.refresh.secret) };
  const results = await spread(servers, n, (s) =>
    s.form(TOKEN_PATH, { grant_type: 'refresh_token', refresh_token: token }, auth),
  );
  const ok = results.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, `exactly one rotation, got ${results.map((r) => r.status).join(',')}`);
  for (const r of results.filter((x) => x.status !== 200))
    assert.equal(r.body.error, 'invalid_grant', r.text);
}

/**
 * One authorization code exchanged `n` times at once across the servers: at most one answer
 * carries a token, and nothing issued for the code is live afterwards (a code used twice
 * revokes what it issued, RFC 6749 §4.1.2).
 */
export async function codeRace(servers: Serve[], f: Fixture, databaseUrl: string, n = 20): Promise<void> {
  const code = randomBytes(32).toString('base64url');
  const redirectUri = 'https://client.example.com/cb';
  const store = await openStore(databaseUrl);
  try {
    const now = Date.now();
    await store.authorizationCodes.insert({
      codeHash: sha256Hex(code),
      appId: f.refresh.id,
      userId: f.userId,
      approvalId: null,
      redirectUri,
      scopes: ['api'],
      codeChallenge: null,
      createdAt: now,
      expiresAt: now + 60_000,
      consumedAt: null,
      accessTokenId: null,
      refreshFamilyId: null,
      reusedAt: null,
    });
  } finally {
    await store.close();
  }
  const auth = { authorization: basic(f.refresh.clientId, f.refresh.secret) };
  const results = await spread(servers, n, (s) =>
    s.form(TOKEN_PATH, { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, auth),
  );
  const ok = results.filter((r) => r.status === 200);
  assert.ok(ok.length <= 1, `at most one token, got ${results.map((r) => r.status).join(',')}`);
  for (const r of results.filter((x) => x.status !== 200))
    assert.equal(r.body.error, 'invalid_grant', r.text);
  for (const r of ok) {
    const api = await servers[0]!.get(API, { authorization: `Bearer ${r.body.access_token}` });
    assert.equal(api.status, 401, 'the token issued for a code used twice is revoked');
  }
}

/**
 * A secret deleted through one server is refused by every server well before the cache TTL
 * (the servers run with a long TTL, so only the invalidation notice can explain it).
 */
export async function secretDeletionSeen(servers: Serve[], f: Fixture, withinMs: number): Promise<void> {
  const added = await created(servers[0]!.admin('POST', `/admin/v1/apps/${f.cc.clientId}/secrets`));
  // Every server has served (and cached) the app with the old secret.
  for (const r of await spread(servers, 8, (s) => clientCredentials(s, f)))
    assert.equal(r.status, 200, r.text);
  const list = await servers[0]!.admin('GET', `/admin/v1/apps/${f.cc.clientId}/secrets`);
  const old = list.body.find((x: { id: string }) => x.id !== added.id);
  const last = servers.at(-1)!;
  assert.equal((await last.admin('DELETE', `/admin/v1/apps/${f.cc.clientId}/secrets/${old.id}`)).status, 204);
  const refusedEverywhere = async () =>
    (await spread(servers, 8, (s) => clientCredentials(s, f))).every((r) => r.status === 401);
  assert.ok(
    await eventually(refusedEverywhere, withinMs),
    `old secret refused everywhere within ${withinMs} ms`,
  );
  for (const r of await spread(servers, 4, (s) => clientCredentials(s, f, added.clientSecret))) {
    assert.equal(r.status, 200, r.text);
  }
  f.cc.secret = added.clientSecret;
}
