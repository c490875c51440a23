/**
 * Graceful shutdown: stop accepting, answer what is in flight (bounded), close the store; a
 * rolling restart of two `s2s serve` processes under load loses no request — every request
 * ends in one 200, and the database holds exactly the tokens the clients received.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../src/store/open.ts';
import { type Answer, postForm, runServe, type Served, until } from './durability_helpers.ts';
import { basic, freshDatabase, startTestServer, type TestDatabase, type TestServer } from './harness.ts';

const ADMIN = 'shutdown-admin-token-0123456789';

/** Sends the head and the first part of a token request; `finish()` sends the rest and reads the answer. */
function partialRequest(url: string, auth: string) {
  const u = new URL(url);
  const body = 'grant_type=client_credentials&padding=xxxxxxxxxxxxxxxxxxxx';
  const socket: Socket = connect(Number(u.port), u.hostname);
  let text = '';
  const closed = new Promise<string>((resolve) => {
    socket.on('data', (d) => (text += d));
    socket.on('close', () => resolve(text));
    socket.on('error', () => {});
  });
  const sent = new Promise<void>((resolve) =>
    socket.once('connect', () => {
      socket.write(
        `POST /services/oauth2/token HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: ${auth}\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
        () => resolve(),
      );
    }),
  );
  return {
    sent,
    closed,
    finish: () => socket.write(body.slice(10)),
  };
}

describe('shutdown of one server (in process)', () => {
  let s: TestServer;
  let auth: string;
  before(async () => {
    s = await startTestServer('sqlite', { config: { shutdownTimeoutSeconds: 30 } });
    const runAs = (await s.newUser()).username;
    const { app, clientSecret } = await s.newApp({ clientCredentials: { enabled: true, runAs } });
    auth = basic(app.clientId, clientSecret);
  });
  after(() => s.stop());

  test('a request in flight is answered in full while new connections are refused', async () => {
    const inFlight = partialRequest(s.url, auth);
    await inFlight.sent;
    await until(
      async () => ((await s.get('/healthz')).status === 200 ? true : undefined),
      2_000,
      'the server',
    );
    const closing = s.close();
    await until(
      () =>
        postForm(`${s.url}/healthz`, {}).then(
          () => undefined,
          (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? true : undefined),
        ),
      5_000,
      'the listener to close',
    );
    inFlight.finish();
    const raw = await inFlight.closed;
    await closing;
    // A 200 with a stored token: the request was served whole, on a store still open.
    assert.match(raw, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(raw, /\r\nconnection: close\r\n/i, 'draining answers close their connection');
    const token = /"access_token":"([^"]+)"/.exec(raw)![1]!;
    const store = await openStore(s.databaseUrl);
    try {
      const row = await store.accessTokens.findByHash(createHash('sha256').update(token).digest('hex'));
      assert.ok(row, 'the token answered during the drain is stored');
    } finally {
      await store.close();
    }
  });
});

describe('the drain is bounded (in process)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite', { config: { shutdownTimeoutSeconds: 1 } });
  });
  after(() => s.stop());

  test('a request that never completes is cut at the timeout and close() returns', async () => {
    const stuck = partialRequest(s.url, basic('x', 'y'));
    await stuck.sent;
    await s.close();
    assert.equal(await stuck.closed, '', 'cut without an answer');
  });
});

describe('s2s serve: SIGTERM and a rolling restart under load (postgres, real processes)', () => {
  let db: TestDatabase;
  const env = { S2S_ADMIN_TOKEN: ADMIN, S2S_TOKEN_RATE_LIMIT_ADDRESS: '0', S2S_TOKEN_RATE_LIMIT_CLIENT: '0' };
  const serve = () => runServe(['--port', '0', '--host', '127.0.0.1', '--no-demo', '--db', db.url], { env });

  before(async () => {
    db = await freshDatabase('postgres');
  });
  after(() => db.drop());

  test('two instances restarted one after the other: every request gets one 200, no token is lost or extra', async (t) => {
    const servers: Served[] = [await serve(), await serve()];
    const admin = async (method: string, path: string, body: unknown) => {
      const r = await fetch(`${servers[0]!.url}/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.ok(r.ok, await r.clone().text());
      return (await r.json()) as Record<string, string>;
    };
    await admin('POST', '/users', { username: 'rolling@example.com' });
    const app = await admin('POST', '/apps', {
      name: 'Rolling',
      clientCredentials: { enabled: true, runAs: 'rolling@example.com' },
    });
    const auth = basic(app.clientId!, app.clientSecret!);

    let stop = false;
    let next = 0;
    const outcomes: number[] = [];
    const resets: string[] = [];
    const one = async (): Promise<Answer> => {
      for (let attempt = 0; ; attempt++) {
        const url = servers[next++ % servers.length]!.url;
        try {
          return await postForm(
            `${url}/services/oauth2/token`,
            { grant_type: 'client_credentials' },
            { authorization: auth },
          );
        } catch (err) {
          // Never reached a server that read it (refused, or reset in the accept queue): a load
          // balancer retries these at another instance. The token count below proves none was processed.
          resets.push((err as NodeJS.ErrnoException).code ?? String(err));
          if (attempt >= 20) throw err;
        }
      }
    };
    const worker = async () => {
      for (let i = 0; i < 2_000 && !stop; i++) outcomes.push((await one()).status);
    };
    const load = Promise.all(Array.from({ length: 6 }, worker));

    await until(async () => (outcomes.length >= 50 ? true : undefined), 20_000, 'load to start');
    for (const i of [0, 1]) {
      const old = servers[i]!;
      const code = await old.stop();
      assert.equal(code, 0, `instance ${i} exits 0 after draining:\n${old.output()}`);
      assert.match(old.output(), /SIGTERM: draining/);
      servers[i] = await serve();
      const seen = outcomes.length;
      await until(
        async () => (outcomes.length >= seen + 30 ? true : undefined),
        20_000,
        'load on the new instance',
      );
    }
    stop = true;
    await load;
    for (const s of servers) assert.equal(await s.stop(), 0);

    t.diagnostic(
      `${outcomes.length} requests, ${resets.length} retried at the other instance (${[...new Set(resets)].join(', ')})`,
    );
    assert.ok(outcomes.length >= 100, `requests made: ${outcomes.length}`);
    assert.deepEqual(
      outcomes.filter((s) => s !== 200),
      [],
      'every request ended in 200',
    );
    const store = await openStore(db.url);
    try {
      const issued = await store.audit.list({ clientId: app.clientId, result: 'success', limit: 100_000 });
      assert.equal(
        issued.length,
        outcomes.length,
        'exactly one token per answered request: none processed and lost',
      );
    } finally {
      await store.close();
    }
  });
});
