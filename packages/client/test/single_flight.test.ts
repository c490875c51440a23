/**
 * Single flight, counted at the server: any number of concurrent callers that
 * find the token expired (or refused) cause one token request; a failure
 * reaches all of them and the next attempt waits out a backoff.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCredential, type NamedCredential, OAuthClientError } from '../src/index.ts';
import {
  type AppSetup,
  setUpApp,
  startTestServer,
  type TestServer,
  TOKEN_PATH,
  tokenRequests,
} from './helpers.ts';

const N = 1000;

describe('single flight (our server counts the token requests)', () => {
  let s: TestServer;
  // The server's clock and the client's, moved separately.
  let serverClock = Date.now();
  let clientClock = serverClock;

  before(async () => {
    s = await startTestServer('sqlite', { now: () => serverClock });
  });
  after(() => s.stop());

  async function credential(a: AppSetup, name: string): Promise<NamedCredential> {
    return createCredential(
      {
        name,
        flow: 'client_credentials',
        tokenEndpoint: `${s.url}${TOKEN_PATH}`,
        clientId: a.clientId,
        clientSecret: a.clientSecret,
      },
      { now: () => clientClock },
    );
  }
  const successes = async (a: AppSetup) =>
    (await tokenRequests(s, a.clientId)).filter((e) => e.result === 'success').length;

  test(`${N} concurrent fetch calls on an expired token make exactly 1 token request`, async () => {
    const a = await setUpApp(s);
    const cred = await credential(a, 'expired');
    const first = await cred.accessToken();
    assert.equal(await successes(a), 1);
    serverClock += 7300_000;
    clientClock += 7300_000; // past expires_in (7200 s): the client knows
    const results = await Promise.all(Array.from({ length: N }, () => cred.fetch('/services/data/v62.0/')));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    await Promise.all(results.map((r) => r.arrayBuffer()));
    assert.equal(await successes(a), 2, 'exactly one more token request');
    assert.notEqual(await cred.accessToken(), first);
  });

  test(`${N} concurrent calls whose token the server refuses (401) share 1 renewal`, async () => {
    const a = await setUpApp(s);
    const cred = await credential(a, 'refused');
    await cred.accessToken();
    serverClock += 7300_000; // only the server knows: every call gets 401 INVALID_SESSION_ID
    const results = await Promise.all(Array.from({ length: N }, () => cred.fetch('/services/data/v62.0/')));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    await Promise.all(results.map((r) => r.arrayBuffer()));
    assert.equal(await successes(a), 2, 'one renewal for all 1000 refusals');
  });

  test('a failed token request reaches every waiting caller; then calls back off, then try again', async () => {
    const a = await setUpApp(s);
    const cred = await credential(a, 'failing');
    await cred.accessToken();
    const off = await s.admin('PATCH', `/admin/v1/apps/${a.clientId}`, {
      clientCredentials: { enabled: false },
    });
    assert.equal(off.status, 200, off.text);
    serverClock += 7300_000;
    clientClock += 7300_000;

    const settled = await Promise.allSettled(Array.from({ length: 200 }, () => cred.getToken()));
    const errors = settled.map((r) => (r.status === 'rejected' ? r.reason : undefined));
    assert.ok(errors.every((e) => e instanceof OAuthClientError));
    assert.equal(new Set(errors).size, 1, 'one error, delivered to all');
    const e = errors[0] as OAuthClientError;
    assert.equal(e.error, 'unauthorized_client');
    assert.equal(e.status, 400);
    assert.equal(e.credential, 'failing');
    const failures = async () =>
      (await tokenRequests(s, a.clientId)).filter((x) => x.result === 'failure').length;
    assert.equal(await failures(), 1, 'one token request for 200 callers');

    // Within the backoff (1 s after the first failure): the same error, no request.
    clientClock += 900;
    await assert.rejects(cred.getToken(), (err) => err === e);
    assert.equal(await failures(), 1);

    // After it: a new attempt (fails again; the backoff doubles to 2 s).
    clientClock += 200;
    await assert.rejects(cred.getToken(), OAuthClientError);
    assert.equal(await failures(), 2);
    clientClock += 1500;
    await assert.rejects(cred.getToken(), OAuthClientError);
    assert.equal(await failures(), 2, 'still backing off (2 s)');

    const on = await s.admin('PATCH', `/admin/v1/apps/${a.clientId}`, {
      clientCredentials: { enabled: true },
    });
    assert.equal(on.status, 200, on.text);
    clientClock += 600;
    const t = await cred.getToken();
    assert.match(t.accessToken, /^00D/);
    assert.equal(await successes(a), 2);
  });
});
