/**
 * Limits: per source address and per client id on the token endpoint, back-off after failed
 * client authentications that slows only the offender, per address on the sign-in form, the
 * body size limit on every endpoint, and (with Redis) limits that hold across two instances.
 * Addresses come from X-Forwarded-For (trust proxy), so one loopback client plays several.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DEFAULTS } from '../src/config/index.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import {
  ADMIN_TOKEN,
  basic,
  type HttpResult,
  startTestServer,
  type TestServer,
  toResult,
} from './harness.ts';
import { sample } from './metrics_helpers.ts';

const TOKEN = '/services/oauth2/token';
const from = (ip: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...extra });
const cc = { grant_type: 'client_credentials' };

/** Behind a (pretend) proxy the issuer is not where the server listens: talk to the listener. */
function direct(s: RunningServer) {
  return {
    form: async (path: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
      toResult(
        await fetch(s.listenUrl + path, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: new URLSearchParams(params).toString(),
        }),
      ),
    get: async (path: string, headers: Record<string, string> = {}) =>
      toResult(await fetch(s.listenUrl + path, { headers })),
  };
}

function assertLimited(r: HttpResult, description: RegExp): void {
  assert.equal(r.status, 429, r.text);
  assert.match(r.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.body.error, 'temporarily_unavailable');
  assert.match(r.body.error_description, description);
  assert.deepEqual(Object.keys(r.body).sort(), ['error', 'error_description']);
}

const limited = {
  trustProxy: true,
  issuer: 'https://login.example.test',
  rateLimitWindowSeconds: 60,
  tokenRateLimitPerAddress: 20,
  tokenRateLimitPerClient: 3,
  authFailureLimit: 3,
  loginRateLimitPerAddress: 2,
  bodyLimit: 2048,
};

describe('limits (one instance)', () => {
  let t: TestServer;
  let s: ReturnType<typeof direct>;
  let runAs: string;
  const client = async () => {
    const { app, clientSecret } = await t.newApp({ clientCredentials: { enabled: true, runAs } });
    return {
      id: app.clientId,
      auth: basic(app.clientId, clientSecret),
      wrong: basic(app.clientId, 'not-the-secret'),
    };
  };

  before(async () => {
    t = await startTestServer('sqlite', { config: limited });
    s = direct(t);
    runAs = (await t.newUser()).username;
  });
  after(() => t.stop());

  test('per source address: the 21st request in the window is 429; other addresses go on', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await s.form(TOKEN, { grant_type: 'password' }, from('10.0.0.1'));
      assert.equal(r.status, 400, `request ${i + 1}`);
    }
    assertLimited(
      await s.form(TOKEN, { grant_type: 'password' }, from('10.0.0.1')),
      /too many requests from this address/,
    );
    assertLimited(await s.form('/services/oauth2/revoke', { token: 'x' }, from('10.0.0.1')), /this address/);
    assert.equal((await s.form(TOKEN, { grant_type: 'password' }, from('10.0.0.2'))).status, 400);
  });

  test('per client id: answered requests count; someone claiming the id with a wrong secret spends nothing', async () => {
    const x = await client();
    const y = await client();
    for (let i = 0; i < 4; i++) {
      const wrong = await s.form(TOKEN, cc, from(`10.0.1.${10 + i}`, { authorization: x.wrong }));
      assert.equal(wrong.status, 401);
      assert.equal((await s.form(TOKEN, { ...cc, client_id: x.id }, from(`10.0.1.${20 + i}`))).status, 401);
    }
    for (let i = 0; i < 3; i++) {
      assert.equal((await s.form(TOKEN, cc, from(`10.0.1.${1 + i}`, { authorization: x.auth }))).status, 200);
    }
    assertLimited(
      await s.form(TOKEN, cc, from('10.0.1.4', { authorization: x.auth })),
      /too many token requests for this client/,
    );
    assert.equal(
      (await s.form(TOKEN, cc, from('10.0.1.4', { authorization: y.auth }))).status,
      200,
      'another client is not slowed',
    );
  });

  test('failed client authentications: the offender backs off, the client keeps working elsewhere', async () => {
    const z = await client();
    const w = await client();
    for (let i = 0; i < 3; i++) {
      assert.equal((await s.form(TOKEN, cc, from('10.0.2.9', { authorization: z.wrong }))).status, 401);
    }
    const blocked = await s.form(TOKEN, cc, from('10.0.2.9', { authorization: z.auth }));
    assertLimited(blocked, /too many failed authentications of this client from this address/);
    assert.equal(blocked.headers.get('retry-after'), '1', 'the first back-off is one second');
    assert.equal(
      (await s.form(TOKEN, cc, from('10.0.2.1', { authorization: z.auth }))).status,
      200,
      'the real client is not slowed',
    );
    assert.equal(
      (await s.form(TOKEN, cc, from('10.0.2.9', { authorization: w.auth }))).status,
      200,
      'other clients from there are not',
    );
    // The address as a whole: 4 × 3 = 12 failures over any client ids.
    for (let i = 0; i < 9; i++) {
      const r = await s.form(TOKEN, cc, from('10.0.2.9', { authorization: basic(`3MVG9nobody${i}`, 'x') }));
      assert.equal(r.status, 401, `failure ${4 + i}`);
    }
    assertLimited(
      await s.form(TOKEN, cc, from('10.0.2.9', { authorization: w.auth })),
      /too many failed client authentications from this address/,
    );
    assert.equal(
      (await s.form(TOKEN, cc, from('10.0.2.2', { authorization: w.wrong }))).status,
      401,
      'others are not',
    );
    const m = (await s.get('/metrics', { authorization: `Bearer ${ADMIN_TOKEN}` })).text;
    assert.equal(sample(m, 's2s_rate_limited_total', { limit: 'auth_failures' }), 2);
  });

  test('a success clears the failures of that client from that address', async () => {
    const v = await client();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++)
        assert.equal((await s.form(TOKEN, cc, from('10.0.4.9', { authorization: v.wrong }))).status, 401);
      assert.equal((await s.form(TOKEN, cc, from('10.0.4.9', { authorization: v.auth }))).status, 200);
    }
  });

  test('sign-in form posts per address: 429 with Retry-After as an HTML page', async () => {
    const post = () =>
      fetch(`${t.listenUrl}/services/oauth2/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '10.0.3.1' },
        body: 'username=a&password=b&csrf=x',
      });
    assert.equal((await post()).status, 403, 'no session: refused, but counted');
    assert.equal((await post()).status, 403);
    const r = await post();
    assert.equal(r.status, 429);
    assert.match(r.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await r.text(), /Too many sign-in attempts/);
  });

  test('the body limit holds on every route that takes a body: 413 before parsing', async () => {
    const routes = t.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .map((l) => /(\/\S*) \(([^)]+)\)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .flatMap((m) => m[2]!.split(', ').map((method) => ({ method, path: m[1]! })))
      .filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
    assert.ok(routes.length >= 15, `routes found: ${routes.length}`);
    const big = 'a='.padEnd(4096, 'x');
    const refused: string[] = [];
    for (const [i, r] of routes.entries()) {
      const path = r.path.replace(/:\w+/g, 'x').replace(/\*/g, 'x');
      const res = await fetch(t.listenUrl + path, {
        method: r.method,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Bearer ${ADMIN_TOKEN}`,
          'x-forwarded-for': `10.0.5.${i}`,
        },
        body: big,
      });
      if (res.status !== 413) refused.push(`${r.method} ${r.path}: ${res.status}`);
      else if (path.startsWith('/services/oauth2/token')) {
        assert.deepEqual(await res.json(), {
          error: 'invalid_request',
          error_description: 'request body is too large',
        });
      }
    }
    assert.deepEqual(refused, []);
  });
});

describe('limits shared through Redis (two instances, one database)', () => {
  let a: TestServer;
  let b: RunningServer;
  const redisConfig = {
    ...limited,
    tokenRateLimitPerAddress: 4,
    authFailureLimit: 2,
    redisUrl: process.env.S2S_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };

  before(async () => {
    a = await startTestServer('postgres', { config: redisConfig });
    b = await startServer({
      ...DEFAULTS,
      ...redisConfig,
      port: 0,
      host: '127.0.0.1',
      databaseUrl: a.databaseUrl,
      demo: false,
      adminToken: ADMIN_TOKEN,
      logLevel: 'silent',
    });
  });
  after(async () => {
    await b.close();
    await a.stop();
  });

  const post = (base: string, params: Record<string, string>, headers: Record<string, string>) =>
    fetch(`${base}${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params).toString(),
    });

  test('requests to either instance fill one window per address', async () => {
    const ip = `10.9.${randomBytes(1)[0]}.1`;
    for (const base of [a.listenUrl, b.listenUrl, a.listenUrl, b.listenUrl]) {
      assert.equal((await post(base, { grant_type: 'password' }, from(ip))).status, 400);
    }
    assert.equal((await post(b.listenUrl, { grant_type: 'password' }, from(ip))).status, 429);
    assert.equal((await post(a.listenUrl, { grant_type: 'password' }, from(ip))).status, 429);
  });

  test('failures at one instance lock the offender out of the other', async () => {
    const runAs = (await a.newUser()).username;
    const { app, clientSecret } = await a.newApp({ clientCredentials: { enabled: true, runAs } });
    const wrong = basic(app.clientId, 'wrong');
    const ip = `10.8.${randomBytes(1)[0]}.9`;
    assert.equal((await post(a.listenUrl, cc, from(ip, { authorization: wrong }))).status, 401);
    assert.equal((await post(b.listenUrl, cc, from(ip, { authorization: wrong }))).status, 401);
    const r = await post(a.listenUrl, cc, from(ip, { authorization: basic(app.clientId, clientSecret) }));
    assert.equal(r.status, 429);
    assert.equal(
      (await post(b.listenUrl, cc, from('10.8.0.1', { authorization: basic(app.clientId, clientSecret) })))
        .status,
      200,
    );
  });
});
