/**
 * Every query of the hot paths is served by an index, on both stores, so throughput does not
 * fall as the tables grow (issue #8: 10^6 tokens). The test runs the paths for real — token
 * grants (client credentials, jwt-bearer, refresh, code), the protected API with both token
 * formats, revocation, introspection and the background purge — records every SQL statement
 * the server sends, and asks the database for its plan:
 * - SQLite: EXPLAIN QUERY PLAN has no `SCAN` of a table (full table or full index scan);
 * - PostgreSQL: with sequential scans disabled and a generic plan (what a prepared statement
 *   gets, whatever the parameters), no `Seq Scan` remains — one would mean no usable index.
 * Small configuration tables read at start or on reload are exempt.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { sha256Hex } from '../src/domain/hashing.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { Purger } from '../src/services/purge.ts';
import { parseDatabaseUrl } from '../src/store/open.ts';
import { grantAssertion, JWT_BEARER, jwtApp, makeKey, TOKEN_PATH } from './assertions.ts';
import { basic, DB_KINDS, type DbKind, startTestServer, type TestServer } from './harness.ts';
import { refreshClient } from './refresh_fixtures.ts';

/** Read at start or on key reload, a handful of rows: a scan is the right plan. */
const EXEMPT = /\b(settings|signing_keys|s2s_migrations(_lock)?|pg_\w+)\b/;
const NOT_PLANNED =
  /^\s*(begin|commit|rollback|savepoint|release|pragma|listen|select 1\b|select pg_notify)/i;

const seen = new Set<string>();
let recording = false;
const record = (sql: unknown) => {
  if (recording && typeof sql === 'string' && !NOT_PLANNED.test(sql)) seen.add(sql);
};
const sqlitePrepare = SQLite.prototype.prepare;
SQLite.prototype.prepare = function (this: SQLite.Database, source: string) {
  record(source);
  return sqlitePrepare.call(this, source) as ReturnType<typeof sqlitePrepare>;
} as typeof sqlitePrepare;
const pgQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  record(typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text);
  return (pgQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pgQuery;

async function hotPaths(s: TestServer): Promise<void> {
  const ok = (r: { status: number; text: string }) => assert.ok(r.status < 300, r.text);
  const user = await s.newUser();
  const cc = async (format: 'opaque' | 'jwt') => {
    const { app, clientSecret } = await s.newApp({
      clientCredentials: { enabled: true, runAs: user.username },
      accessToken: { format, ttlSeconds: 600 },
    });
    const r = await s.form(
      TOKEN_PATH,
      { grant_type: 'client_credentials' },
      { authorization: basic(app.clientId, clientSecret) },
    );
    ok(r);
    return { token: r.body.access_token as string, auth: basic(app.clientId, clientSecret) };
  };
  recording = true;
  for (const format of ['opaque', 'jwt'] as const) {
    const { token, auth } = await cc(format);
    ok(await s.get(`/services/data/v${API_VERSION}/`, { authorization: `Bearer ${token}` }));
    ok(await s.form('/services/oauth2/introspect', { token }, { authorization: auth }));
    ok(await s.form('/services/oauth2/revoke', { token }, { authorization: auth }));
  }
  const jwt = await jwtApp(s, await makeKey('rsa'));
  ok(await s.form(TOKEN_PATH, { grant_type: JWT_BEARER, assertion: grantAssertion(s, jwt) }));
  const rc = await refreshClient(s);
  const started = await rc.start();
  const rotated = await rc.refresh(started.refreshToken);
  ok(rotated);
  // Reuse of the retired token: reuse detection revokes the family.
  assert.equal((await rc.refresh(started.refreshToken)).status, 400);
  const code = randomBytes(32).toString('base64url');
  const now = s.ctx.now();
  await s.ctx.store.authorizationCodes.insert({
    codeHash: sha256Hex(code),
    appId: rc.app.id,
    userId: rc.user.id,
    approvalId: rc.approvalId,
    redirectUri: 'https://client.example/cb',
    scopes: ['api'],
    codeChallenge: null,
    createdAt: now,
    expiresAt: now + 60_000,
    consumedAt: null,
    accessTokenId: null,
    refreshFamilyId: null,
    reusedAt: null,
  });
  const exchange = () =>
    s.form(
      TOKEN_PATH,
      { grant_type: 'authorization_code', code, redirect_uri: 'https://client.example/cb' },
      { authorization: basic(rc.clientId, rc.secret) },
    );
  ok(await exchange());
  assert.equal((await exchange()).status, 400, 'a second use');
  await new Purger(s.ctx.store, { now: () => now + 2 * 86_400_000 }).runOnce();
  recording = false;
}

async function sqlitePlans(url: string, statements: string[]): Promise<string[]> {
  const db = new SQLite(parseDatabaseUrl(url).target, { readonly: true });
  try {
    const bad: string[] = [];
    for (const sql of statements) {
      const params = Array((sql.match(/\?/g) ?? []).length).fill(null);
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      for (const { detail } of rows) {
        // A multi-row INSERT's `SCAN n-ROW VALUES CLAUSE` reads its own parameters, not a table.
        if (
          /^SCAN /.test(detail) &&
          !/CONSTANT ROW|-ROW VALUES CLAUSE/.test(detail) &&
          !EXEMPT.test(detail)
        ) {
          bad.push(`${detail}  ←  ${sql}`);
        }
      }
    }
    return bad;
  } finally {
    db.close();
  }
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** Seq scans, and index scans without an index condition (a whole index read in order). */
function fullScans(n: PlanNode, out: string[] = []): string[] {
  const table = n['Relation Name'] ?? n['Index Name'] ?? '';
  if (!EXEMPT.test(table)) {
    if (n['Node Type'] === 'Seq Scan') out.push(`Seq Scan on ${table}`);
    if (/Index (Only )?Scan/.test(n['Node Type']) && !n['Index Cond'])
      out.push(`${n['Node Type']} on ${table} without a condition`);
  }
  for (const c of n.Plans ?? []) fullScans(c, out);
  return out;
}

async function postgresPlans(url: string, statements: string[]): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  // The unpatched query: these statements are the test's own, not the server's.
  const q = (sql: string) =>
    (pgQuery as (this: pg.Client, sql: string) => Promise<pg.QueryResult>).call(c, sql);
  await c.connect();
  try {
    await q('SET enable_seqscan = off');
    await q('SET plan_cache_mode = force_generic_plan');
    const bad: string[] = [];
    for (const [i, sql] of statements.entries()) {
      const params = Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
      await q(`PREPARE plan_${i} AS ${sql}`);
      const args = params ? `(${Array(params).fill('NULL').join(', ')})` : '';
      const r = await q(`EXPLAIN (FORMAT JSON) EXECUTE plan_${i}${args}`);
      const plan = (r.rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]!.Plan;
      for (const scan of fullScans(plan)) bad.push(`${scan}  ←  ${sql}`);
      await q(`DEALLOCATE plan_${i}`);
    }
    return bad;
  } finally {
    await c.end();
  }
}

for (const kind of DB_KINDS as DbKind[]) {
  describe(`hot queries use indexes (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      seen.clear();
      s = await startTestServer(kind);
    });
    after(() => s.stop());

    test('no full scan in the plan of any statement of the token, API and purge paths', async () => {
      await hotPaths(s);
      const statements = [...seen].filter((q) => !EXEMPT.test(q));
      assert.ok(statements.length > 20, `recorded ${statements.length} statements`);
      const bad =
        kind === 'sqlite'
          ? await sqlitePlans(s.databaseUrl, statements)
          : await postgresPlans(s.databaseUrl, statements);
      assert.deepEqual(bad, []);
    });
  });
}
