/**
 * The replay store in Redis (S2S_REDIS_URL, store/redis/) behind real servers: two servers on
 * one PostgreSQL database and one Redis accept an assertion once between them, with the record
 * in Redis rather than the database; when Redis goes away a jwt-bearer request is 503
 * temporarily_unavailable with nothing issued, /readyz says so, and the server recovers by
 * itself when Redis is back. Redis is reached through a loopback TCP relay the test can cut.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { DEFAULTS } from '../src/config/index.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { createApp } from '../src/services/apps.ts';
import { createUser } from '../src/services/users.ts';
import { grantAssertion, JWT_BEARER, type JwtApp, jwtApp, makeKey, TOKEN_PATH } from './assertions.ts';
import { ADMIN_TOKEN, freshDatabase, type TestDatabase, type TestServer, toResult } from './harness.ts';
import { eventually } from './scaleout_helpers.ts';

const REDIS = new URL(process.env.S2S_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');

/** A TCP relay to Redis that can be cut (every connection dropped, nothing accepted) and restored. */
class Relay {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  port = 0;

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(REDIS.port || 6379), REDIS.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

/** What jwtApp and grantAssertion use of a test server, over a server started here. */
function asTestServer(s: RunningServer): TestServer {
  return {
    ...s,
    newUser: (fields = {}) =>
      createUser(s.ctx, { username: `u.${randomBytes(4).toString('hex')}@example.com`, ...fields }),
    newApp: async (fields = {}) => {
      const c = await createApp(s.ctx, { name: 'jwt app', ...fields });
      return { app: c.app, clientSecret: c.clientSecret };
    },
    admin: async (method: string, path: string, body?: unknown) =>
      toResult(
        await fetch(s.listenUrl + path, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
  } as unknown as TestServer;
}

describe('replay records in Redis, two servers on one database', () => {
  let db: TestDatabase;
  const relay = new Relay();
  const servers: RunningServer[] = [];
  let app: JwtApp;

  const form = async (s: RunningServer, params: Record<string, string>) =>
    toResult(
      await fetch(s.listenUrl + TOKEN_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      }),
    );
  const tokenRows = async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const t = await c.query('select count(*)::int n from access_tokens');
      const r = await c.query('select count(*)::int n from used_assertions');
      return { tokens: t.rows[0].n as number, replayRows: r.rows[0].n as number };
    } finally {
      await c.end();
    }
  };

  before(async () => {
    db = await freshDatabase('postgres');
    await relay.open();
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startServer({
          ...DEFAULTS,
          port: 0,
          host: '127.0.0.1',
          issuer: 'http://s2s.test',
          databaseUrl: db.url,
          demo: false,
          adminToken: ADMIN_TOKEN,
          logLevel: 'silent',
          redisUrl: `redis://127.0.0.1:${relay.port}`,
        }),
      );
    }
    app = await jwtApp(asTestServer(servers[0]!), await makeKey('rsa'));
  });
  after(async () => {
    for (const s of servers) await s.close();
    await relay.cut().catch(() => {});
    await db.drop();
  });

  test('20 copies split across the two servers: one token; the record is in Redis, not the database', async () => {
    const assertion = grantAssertion(asTestServer(servers[0]!), app);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => form(servers[i % 2]!, { grant_type: JWT_BEARER, assertion })),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join(','));
    assert.equal((await tokenRows()).replayRows, 0, 'no replay record in the database');
  });

  test('Redis away: 503 temporarily_unavailable, nothing issued, not ready; back: recovers by itself', async () => {
    const s = servers[1]!;
    const before = (await tokenRows()).tokens;
    await relay.cut();
    const r = await form(s, { grant_type: JWT_BEARER, assertion: grantAssertion(asTestServer(s), app) });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.body.error, 'temporarily_unavailable');
    assert.equal((await tokenRows()).tokens, before, 'no token recorded');
    assert.equal((await fetch(`${s.listenUrl}/readyz`)).status, 503);
    await relay.open();
    const ok = async () =>
      (await form(s, { grant_type: JWT_BEARER, assertion: grantAssertion(asTestServer(s), app) })).status ===
      200;
    assert.ok(await eventually(ok, 10_000), 'a token again once Redis is back');
    assert.equal((await fetch(`${s.listenUrl}/readyz`)).status, 200);
  });
});
