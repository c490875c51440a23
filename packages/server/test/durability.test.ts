/**
 * Durability, on SQLite and PostgreSQL:
 * - `kill -9` of `s2s serve` while clients obtain (client_credentials) and rotate (refresh_token)
 *   tokens; after a restart every token and rotation a client received a 200 for is still valid,
 *   or properly rotated, and no half-written rows exist;
 * - (PostgreSQL) the database goes away mid-load — connections refused and the live ones
 *   terminated, for this test's database only — and comes back: 503 temporarily_unavailable
 *   while it is away, never a 500, and recovery without a restart.
 * Loads are bounded in count and time and aimed at 127.0.0.1 only.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { openStore } from '../src/store/open.ts';
import {
  type Answer,
  dropDatabase,
  postForm,
  rawQuery,
  runServe,
  type Served,
  until,
} from './durability_helpers.ts';
import { basic, DB_KINDS, PG_ADMIN_URL, startTestServer } from './harness.ts';
import { refreshClient } from './refresh_fixtures.ts';

const ADMIN = 'durability-admin-token-0123456789';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const FAMILIES = 4;
/** Stop the load after this many answered requests (the kill comes in the middle of more). */
const ANSWERED_BEFORE_KILL = 120;

interface Chain {
  clientAuth: string;
  /** Refresh tokens in the order the client received them (the first from the seed). */
  refreshTokens: string[];
  accessTokens: string[];
  familyId: string;
}

for (const kind of DB_KINDS) {
  describe(`kill -9 under load (${kind})`, () => {
    test('every token and rotation answered with 200 survives the crash; no half-written rows', async (t) => {
      // Seed in process: a client_credentials app, and refresh families as a code exchange starts them.
      const seed = await startTestServer(kind);
      const url = seed.databaseUrl;
      const runAs = (await seed.newUser()).username;
      const ccApp = await seed.newApp({ clientCredentials: { enabled: true, runAs } });
      const ccAuth = basic(ccApp.app.clientId, ccApp.clientSecret);
      const rc = await refreshClient(seed);
      const chains: Chain[] = [];
      for (let i = 0; i < FAMILIES; i++) {
        const f = await rc.start();
        chains.push({
          clientAuth: basic(rc.clientId, rc.secret),
          refreshTokens: [f.refreshToken],
          accessTokens: [f.accessToken],
          familyId: f.familyId,
        });
      }
      await seed.close();

      const env = {
        S2S_ADMIN_TOKEN: ADMIN,
        S2S_TOKEN_RATE_LIMIT_ADDRESS: '0',
        S2S_TOKEN_RATE_LIMIT_CLIENT: '0',
      };
      const args = ['--port', '0', '--host', '127.0.0.1', '--no-demo', '--db', url];
      let server: Served = await runServe(args, { env });
      try {
        const ccTokens: string[] = [];
        let answered = 0;
        let killed = false;
        const lost: string[] = [];
        const post = async (params: Record<string, string>, auth: string): Promise<Answer | undefined> => {
          try {
            const r = await postForm(`${server.url}/services/oauth2/token`, params, { authorization: auth });
            answered++;
            assert.equal(r.status, 200, JSON.stringify(r.body));
            return r;
          } catch (err) {
            if (!killed) throw err;
            lost.push((err as NodeJS.ErrnoException).code ?? String(err));
            return undefined;
          }
        };
        const ccWorker = async () => {
          for (let i = 0; i < 1_000 && !killed; i++) {
            const r = await post({ grant_type: 'client_credentials' }, ccAuth);
            if (r) ccTokens.push(r.body.access_token);
          }
        };
        const refreshWorker = async (c: Chain) => {
          for (let i = 0; i < 1_000 && !killed; i++) {
            const r = await post(
              { grant_type: 'refresh_token', refresh_token: c.refreshTokens.at(-1)! },
              c.clientAuth,
            );
            if (!r) return;
            c.refreshTokens.push(r.body.refresh_token);
            c.accessTokens.push(r.body.access_token);
          }
        };
        const load = Promise.all([ccWorker(), ccWorker(), ...chains.map(refreshWorker)]);
        await until(async () => (answered >= ANSWERED_BEFORE_KILL ? true : undefined), 30_000, 'load');
        killed = true;
        await server.kill();
        await load;
        t.diagnostic(
          `${answered} answered before kill -9, ${lost.length} in flight (${[...new Set(lost)].join(', ')})`,
        );

        server = await runServe(args, { env });
        const introspect = async (token: string, auth: string) => {
          const r = await postForm(
            `${server.url}/services/oauth2/introspect`,
            { token },
            { authorization: auth },
          );
          assert.equal(r.status, 200);
          return r.body.active as boolean;
        };

        // Every client_credentials token answered with 200 is still active.
        for (const tok of ccTokens)
          assert.equal(await introspect(tok, ccAuth), true, 'a client_credentials token');

        const store = await openStore(url);
        try {
          for (const c of chains) {
            const latest = c.refreshTokens.at(-1)!;
            // The last rotation the client heard of is live — or the server committed one more
            // rotation whose answer the kill swallowed: then its successor is the live token.
            const row = (await store.refreshTokens.findByHash(sha256(latest)))!;
            assert.ok(row, 'the last refresh token received is stored');
            const tokens = await store.refreshTokens.listTokens(c.familyId);
            const live = tokens.filter((x) => x.retiredAt === null);
            assert.equal(live.length, 1, 'one live token per family');
            if (row.token.retiredAt === null) {
              assert.equal(await introspect(latest, c.clientAuth), true);
            } else {
              assert.equal(row.token.successorHash, live[0]!.hash, 'retired only by a committed rotation');
              assert.equal(live[0]!.parentHash, sha256(latest));
            }
            // Every earlier one is properly rotated.
            for (const old of c.refreshTokens.slice(0, -1))
              assert.equal(await introspect(old, c.clientAuth), false);
            // Every access token answered with 200 still works.
            for (const at of c.accessTokens)
              assert.equal(await introspect(at, c.clientAuth), true, 'a rotation access token');
            // No half-written rotation: each refresh token came with its access token, in one transaction.
            const [count] = await rawQuery<{ n: number }>(
              url,
              'select count(*) as n from access_tokens where family_id = $1',
              [c.familyId],
            );
            assert.equal(Number(count?.n), tokens.length, 'one access token per refresh token of the family');
            for (const x of tokens) {
              if (x.retiredAt !== null)
                assert.ok(
                  tokens.some((y) => y.hash === x.successorHash),
                  'a successor exists',
                );
              if (x.parentHash !== null)
                assert.ok(
                  tokens.some((y) => y.hash === x.parentHash),
                  'a parent exists',
                );
            }
            // The chain goes on after the restart.
            if (row.token.retiredAt === null) {
              const next = await postForm(
                `${server.url}/services/oauth2/token`,
                { grant_type: 'refresh_token', refresh_token: latest },
                { authorization: c.clientAuth },
              );
              assert.equal(next.status, 200);
            }
          }
        } finally {
          await store.close();
        }
      } finally {
        await server.stop();
        await dropDatabase(url);
      }
    });
  });
}

describe('PostgreSQL goes away mid-load and comes back (this test database only)', () => {
  test('503 temporarily_unavailable while it is away, no 500, recovery without a restart', async (t) => {
    const s = await startTestServer('postgres');
    const name = new URL(s.databaseUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    let stopLoad = async () => {};
    try {
      const runAs = (await s.newUser()).username;
      const { app, clientSecret } = await s.newApp({ clientCredentials: { enabled: true, runAs } });
      const auth = basic(app.clientId, clientSecret);
      const phases = { before: [] as Answer[], away: [] as Answer[], back: [] as Answer[] };
      let phase: keyof typeof phases = 'before';
      let stop = false;
      const worker = async () => {
        for (let i = 0; i < 3_000 && !stop; i++) {
          const r = await postForm(
            `${s.url}/services/oauth2/token`,
            { grant_type: 'client_credentials' },
            { authorization: auth },
          );
          phases[phase].push(r);
        }
      };
      const load = Promise.all([worker(), worker(), worker(), worker()]);
      stopLoad = async () => {
        stop = true;
        await load.catch(() => {});
      };
      await until(async () => (phases.before.length >= 30 ? true : undefined), 20_000, 'load');

      phase = 'away';
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      await until(
        async () => (phases.away.filter((r) => r.status === 503).length >= 40 ? true : undefined),
        20_000,
        '503s',
      );
      const ready = await s.get('/readyz');
      assert.equal(ready.status, 503);

      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      phase = 'back';
      await until(
        async () => (phases.back.filter((r) => r.status === 200).length >= 40 ? true : undefined),
        20_000,
        'recovery',
      );
      stop = true;
      await load;
      assert.equal((await s.get('/readyz')).status, 200, 'ready again, same process');

      const all = [...phases.before, ...phases.away, ...phases.back];
      t.diagnostic(`before ${phases.before.length}, away ${phases.away.length}, back ${phases.back.length}`);
      assert.deepEqual(
        [...new Set(all.map((r) => r.status))].sort(),
        [200, 503],
        'only 200 and 503, never a 500',
      );
      assert.ok(phases.before.every((r) => r.status === 200));
      for (const r of all.filter((x) => x.status === 503)) {
        assert.equal(r.body.error, 'temporarily_unavailable');
        assert.equal(r.headers['retry-after'], '5');
        assert.equal(r.headers['cache-control'], 'no-store');
      }
    } finally {
      await stopLoad();
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
      await s.stop();
    }
  });
});
