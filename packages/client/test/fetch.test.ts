/**
 * credential.fetch: attach the token, renew it when a server refuses it, retry
 * once, never loop. Tokens come from our server (token requests are counted in
 * its audit log); the resource servers are our own /services/data or tiny
 * node:http servers that answer what each case needs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type CredentialConfig,
  createCredential,
  OAuthClientError,
  RetryRefusedError,
  S2SClientError,
} from '../src/index.ts';
import {
  type AppSetup,
  type LittleServer,
  littleServer,
  setUpApp,
  startTestServer,
  type TestServer,
  TOKEN_PATH,
  tokenRequests,
} from './helpers.ts';

describe('credential.fetch', () => {
  let s: TestServer;
  let a: AppSetup;
  const clock = Date.now();
  const servers: LittleServer[] = [];

  before(async () => {
    s = await startTestServer('sqlite', { now: () => clock });
    a = await setUpApp(s);
  });
  after(async () => {
    for (const x of servers) await x.close();
    await s.stop();
  });

  const ccConfig = (extra: Partial<CredentialConfig> = {}): CredentialConfig => ({
    name: 'billing',
    flow: 'client_credentials',
    tokenEndpoint: `${s.url}${TOKEN_PATH}`,
    clientId: a.clientId,
    clientSecret: a.clientSecret,
    ...extra,
  });
  const count = async () => (await tokenRequests(s, a.clientId)).length;
  async function resource(handler: Parameters<typeof littleServer>[0]): Promise<LittleServer> {
    const r = await littleServer(handler);
    servers.push(r);
    return r;
  }

  test('a 401 on a fresh token is returned after one renewal and one retry: no loop', async () => {
    const rs = await resource((_req, _body, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]');
    });
    const before = await count();
    const cred = createCredential(ccConfig());
    const res = await cred.fetch(`${rs.url}/services/data/v62.0/limits`);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), [
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    assert.equal(rs.calls, 2, 'the request and one retry');
    assert.equal((await count()) - before, 2, 'the first token and one renewal');
    const [t1, t2] = rs.seen.map((x) => x.headers.authorization);
    assert.match(t1!, /^Bearer 00D/);
    assert.notEqual(t1, t2, 'the retry carried the new token');
    // A second call does the same, bounded again.
    const again = await cred.fetch(`${rs.url}/x`);
    assert.equal(again.status, 401);
    assert.equal(rs.calls, 4);
    assert.equal((await count()) - before, 3);
  });

  test('a token the server expired (our resource server, 401 INVALID_SESSION_ID) is renewed and the call succeeds', async () => {
    let serverClock = clock;
    const local = await startTestServer('sqlite', { now: () => serverClock });
    try {
      const la = await setUpApp(local);
      const cred = createCredential({
        ...ccConfig({ tokenEndpoint: `${local.url}${TOKEN_PATH}` }),
        clientId: la.clientId,
        clientSecret: la.clientSecret,
      });
      const ok = await cred.fetch('/services/data/v62.0/');
      assert.equal(ok.status, 200);
      const first = await cred.accessToken();
      serverClock += 7201_000; // the server's tokens are now expired; the client does not know
      const res = await cred.fetch('/services/data/v62.0/');
      assert.equal(res.status, 200);
      assert.notEqual(await cred.accessToken(), first);
      const log = await tokenRequests(local, la.clientId);
      assert.equal(log.length, 2);
    } finally {
      await local.stop();
    }
  });

  test('configured statuses and body texts also renew; other errors are returned untouched', async () => {
    const answers = [403, 200, 500, 200, 403, 418];
    const rs = await resource((_req, _body, res, n) => {
      const status = answers[n - 1]!;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 500 ? '<faultcode>sf:INVALID_SESSION_ID</faultcode>' : `status ${status}`);
    });
    const before = await count();
    const cred = createCredential(ccConfig({ refreshOn: { statuses: [403] } }));
    assert.equal((await cred.fetch(rs.url)).status, 200, '403 renews, the retry gets 200');
    assert.equal(
      (await cred.fetch(rs.url)).status,
      200,
      'a 500 whose body says INVALID_SESSION_ID renews (default)',
    );
    const r403 = await cred.fetch(rs.url);
    assert.equal(r403.status, 418, '403 renews; the retry answer (418) is returned as is');
    assert.equal(await r403.text(), 'status 418');
    assert.equal(rs.calls, 6);
    assert.equal((await count()) - before, 4);

    const plain = createCredential(ccConfig({ name: 'plain', refreshOn: { bodyIncludes: [] } }));
    const rs2 = await resource((_req, _body, res) => {
      res.writeHead(403);
      res.end('INVALID_SESSION_ID');
    });
    const r = await plain.fetch(rs2.url);
    assert.equal(r.status, 403, 'without configuration a 403 is just returned');
    assert.equal(await r.text(), 'INVALID_SESSION_ID');
    assert.equal(rs2.calls, 1);
  });

  test('a streamed body is buffered and sent again, whole, on the retry', async () => {
    const rs = await resource((req, body, res, n) => {
      res.writeHead(n === 1 ? 401 : 201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, got: body.length }));
    });
    const cred = createCredential(ccConfig());
    const chunks = ['{"Name":', '"Acme",', `"Pad":"${'x'.repeat(100_000)}"}`];
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        const c = chunks.shift();
        if (c === undefined) ctl.close();
        else ctl.enqueue(new TextEncoder().encode(c));
      },
    });
    const res = await cred.fetch(`${rs.url}/services/data/v62.0/sobjects/Account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ignored' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 201);
    assert.equal(rs.calls, 2);
    assert.equal(rs.seen[0]!.body, rs.seen[1]!.body);
    assert.equal(JSON.parse(rs.seen[1]!.body).Name, 'Acme');
    assert.equal(rs.seen[1]!.body.length, 100_024);
    assert.notEqual(rs.seen[0]!.headers.authorization, 'Bearer ignored', 'the credential sets Authorization');
  });

  test('a Request object with a body is retried with the same method, headers and body', async () => {
    const rs = await resource((_req, _body, res, n) => {
      res.writeHead(n === 1 ? 401 : 200);
      res.end();
    });
    const cred = createCredential(ccConfig());
    const req = new Request(`${rs.url}/services/data/v62.0/sobjects/Account/001`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-trace': 't-1' },
      body: '{"Name":"New"}',
    });
    const res = await cred.fetch(req);
    assert.equal(res.status, 200);
    assert.equal(rs.calls, 2);
    for (const seen of rs.seen) {
      assert.equal(seen.method, 'PATCH');
      assert.equal(seen.body, '{"Name":"New"}');
      assert.equal(seen.headers['x-trace'], 't-1');
    }
  });

  test('streamBodies "refuse": the stream is sent once; on 401 the token is renewed and RetryRefusedError thrown', async () => {
    const rs = await resource((_req, _body, res) => {
      res.writeHead(401);
      res.end('no');
    });
    const before = await count();
    const cred = createCredential(ccConfig({ name: 'uploads', streamBodies: 'refuse' }));
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(new TextEncoder().encode('payload'));
        ctl.close();
      },
    });
    const first = await cred.accessToken();
    await assert.rejects(
      cred.fetch(rs.url, { method: 'PUT', body, duplex: 'half' } as RequestInit),
      (err: unknown) => {
        assert.ok(err instanceof RetryRefusedError);
        assert.equal(err.credential, 'uploads');
        assert.equal(err.response.status, 401);
        assert.match(err.message, /stream that was not buffered/);
        return true;
      },
    );
    assert.equal(rs.calls, 1);
    assert.equal(rs.seen[0]!.body, 'payload');
    assert.equal((await count()) - before, 2);
    assert.notEqual(await cred.accessToken(), first, 'the next call has a new token');
    // A string body is not a stream: it is retried even in "refuse" mode.
    const r = await cred.fetch(rs.url, { method: 'PUT', body: 'again' });
    assert.equal(r.status, 401);
    assert.equal(rs.calls, 3);
  });

  test('when the renewal itself fails, the typed OAuth error of the server is thrown', async () => {
    const rs = await resource((_req, _body, res) => {
      res.writeHead(401);
      res.end();
    });
    const local = await startTestServer('sqlite');
    try {
      const la = await setUpApp(local);
      const cred = createCredential({
        ...ccConfig({ name: 'revoked', tokenEndpoint: `${local.url}${TOKEN_PATH}` }),
        clientId: la.clientId,
        clientSecret: la.clientSecret,
      });
      await cred.getToken();
      const off = await local.admin('PATCH', `/admin/v1/apps/${la.clientId}`, {
        clientCredentials: { enabled: false },
      });
      assert.equal(off.status, 200, off.text);
      await assert.rejects(cred.fetch(rs.url), (err: unknown) => {
        assert.ok(err instanceof OAuthClientError);
        assert.equal(err.credential, 'revoked');
        assert.equal(err.status, 400);
        assert.equal(err.error, 'unauthorized_client');
        assert.equal(err.errorDescription, 'client credentials flow is not enabled for this app');
        assert.equal(err.endpoint, `${local.url}${TOKEN_PATH}`);
        return true;
      });
      assert.equal(rs.calls, 1, 'no retry without a new token');
    } finally {
      await local.stop();
    }
  });

  test('relative URLs go to instance_url (or the configured instanceUrl)', async () => {
    const rs = await resource((req, _body, res) => {
      res.writeHead(200);
      res.end(req.url);
    });
    const cred = createCredential(ccConfig({ instanceUrl: `${rs.url}/` }));
    const res = await cred.fetch('/services/data/v62.0/query?q=SELECT+Id+FROM+Account');
    assert.equal(await res.text(), '/services/data/v62.0/query?q=SELECT+Id+FROM+Account');

    const bare = createCredential({
      name: 'bare',
      flow: 'client_credentials',
      tokenEndpoint: `${rs.url}/token`,
      clientId: 'c',
      clientSecret: 's',
    });
    const noBase = await littleServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token":"t","token_type":"Bearer"}');
    });
    servers.push(noBase);
    const cred2 = createCredential({ ...bare.config, name: 'bare2', tokenEndpoint: `${noBase.url}/token` });
    await assert.rejects(cred2.fetch('/services/data'), (err: unknown) => {
      assert.ok(err instanceof S2SClientError);
      assert.match(err.message, /\/services\/data is relative, and there is no instanceUrl/);
      return true;
    });
  });
});
