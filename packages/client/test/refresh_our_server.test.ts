/**
 * The authorization-code login and the refresh-token flow against our own
 * server (its sign-in and consent pages are driven by the server tests'
 * cookie-jar browser). Our server rotates refresh tokens and treats the reuse
 * of a spent one as theft (the whole family dies), so "never sent twice" is
 * checked by the server itself; its audit log counts the requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, formFields, PASSWORD, signIn } from '../../server/test/authorize_flow.ts';
import {
  type CredentialConfig,
  createCredential,
  fileTokenStore,
  type NamedCredential,
  OAuthClientError,
} from '../src/index.ts';
import { runChild, startTestServer, type TestServer, tempDir, tokenRequests } from './helpers.ts';

const CALLBACK = 'http://127.0.0.1/callback';
const REFRESH = 'refresh_token';
const HOURS_AGO = (h: number) => () => Date.now() - h * 3600_000;

/** Plays the user: sign in and allow, at our server's pages; returns where the browser is sent back to. */
async function userAllows(s: TestServer, authorizationUrl: string, username: string): Promise<string> {
  const b = new Browser(s.url);
  const u = new URL(authorizationUrl);
  let page = await b.get(u.pathname + u.search);
  if (page.status === 200 && page.text.includes('action="/services/oauth2/login"')) {
    const after = await signIn(b, page, username, PASSWORD);
    assert.equal(after.status, 303, after.text);
    page = await b.get(after.location!);
  }
  if (page.status === 200) {
    const fields = formFields(page.text, '/services/oauth2/authorize/consent');
    page = await b.post('/services/oauth2/authorize/consent', { ...fields, decision: 'allow' });
  }
  assert.ok(page.location, `expected a redirect, got ${page.status}: ${page.text.slice(0, 300)}`);
  return new URL(page.location, s.url).href;
}

describe('authorization code + refresh tokens against our server', () => {
  let s: TestServer;
  let clientId: string;
  let secret: string;
  let username: string;
  const tmp = tempDir('s2s-refresh-');

  before(async () => {
    s = await startTestServer('sqlite');
    const user = await s.newUser({ password: PASSWORD });
    username = user.username;
    const { app, clientSecret } = await s.newApp({
      scopes: ['api', 'id', 'refresh_token'],
      callbackUrls: [CALLBACK],
    });
    clientId = app.clientId;
    secret = clientSecret;
  });
  after(async () => {
    await s.stop();
    tmp.remove();
  });

  const config = (name: string): CredentialConfig => ({
    name,
    flow: 'authorization_code',
    issuer: s.url, // authorization and token endpoints are discovered
    clientId,
    clientSecret: secret,
    redirectUri: CALLBACK,
    scopes: ['api', 'id', 'refresh_token'],
  });
  const refreshes = async () => (await tokenRequests(s, clientId)).filter((e) => e.grantType === REFRESH);

  /** Logs in; the tokens are saved by a clock `clock` (hours behind makes them already expired). */
  async function login(cred: NamedCredential): Promise<void> {
    const pending = await cred.beginAuthorization({ redirectUri: 'http://127.0.0.1:43117/callback' });
    await cred.finishAuthorization(pending, await userAllows(s, pending.url, username));
  }

  test('login with PKCE, then renewals with the refresh token, each rotated one saved; the spent one is refused', async () => {
    let clock = Date.now();
    const cred = createCredential(config('crm'), { now: () => clock });
    await login(cred);
    const rt0 = (await cred.state())!.refreshToken!;
    assert.match(rt0, /^5Aep861/, 'a Salesforce-shaped refresh token');
    const log = await tokenRequests(s, clientId);
    assert.equal(log.at(-1)!.grantType, 'authorization_code');

    const a0 = await cred.accessToken();
    clock += 7300_000; // the client sees the token expired
    const a1 = await cred.accessToken();
    assert.notEqual(a1, a0);
    const rt1 = (await cred.state())!.refreshToken!;
    assert.notEqual(rt1, rt0, 'rotated, and the new one saved');

    // A revoked access token: the API says 401, fetch renews with the refresh token, retries once.
    const revoked = await s.form('/services/oauth2/revoke', { token: a1 });
    assert.equal(revoked.status, 200);
    const res = await cred.fetch('/services/data/v62.0/');
    assert.equal(res.status, 200);
    assert.notEqual((await cred.state())!.refreshToken, rt1);
    const r = await refreshes();
    assert.deepEqual(
      r.map((e) => e.result),
      ['success', 'success'],
    );

    // What the server thinks of a spent refresh token (this also ends the family: theft).
    const spent = createCredential({ ...config('spent'), flow: 'refresh_token', refreshToken: rt0 });
    await assert.rejects(spent.getToken(), (err: unknown) => {
      assert.ok(err instanceof OAuthClientError);
      assert.equal(err.status, 400);
      assert.equal(err.error, 'invalid_grant');
      assert.equal(err.errorDescription, 'expired access/refresh token');
      return true;
    });
  });

  test('file store: 3 processes refresh an expired token once; a SIGKILL right after the save loses nothing', async () => {
    const spec = { kind: 'file' as const, dir: `${tmp.dir}/tokens` };
    const store = fileTokenStore(spec);
    await login(createCredential(config('shared'), { store, now: HOURS_AGO(3) }));
    const before = (await refreshes()).length;

    const startAt = Date.now() + 2500;
    const results = await Promise.all(
      [1, 2, 3].map(() => runChild({ credential: config('shared'), store: spec, startAt })),
    );
    for (const x of results) assert.equal(x.code, 0, x.stderr + x.lines.join('\n'));
    assert.equal(new Set(results.map((x) => x.result!.accessToken)).size, 1);
    let r = (await refreshes()).slice(before);
    assert.deepEqual(
      r.map((e) => e.result),
      ['success'],
      'one refresh for three processes',
    );

    // Expire the saved token again, then let a process refresh and die right after saving.
    const state = (await store.read('shared'))!;
    await store.update('shared', async () => ({
      save: { ...state, token: { ...state.token!, expiresAt: Date.now() - 1000 } },
      result: undefined,
    }));
    const crashed = await runChild({ credential: config('shared'), store: spec, crashAfterSave: true });
    assert.equal(crashed.signal, 'SIGKILL');
    assert.deepEqual(crashed.lines, ['started']);
    const saved = (await store.read('shared'))!;
    assert.notEqual(
      saved.refreshToken,
      state.refreshToken,
      'the rotated refresh token was saved before the crash',
    );

    // The next process renews with the saved one. Had a spent token been sent, the server
    // would have ended the family and this would fail.
    const next = createCredential(config('shared'), { store, now: () => Date.now() + 3 * 3600_000 });
    const res = await next.fetch('/services/data/v62.0/');
    assert.equal(res.status, 200);
    r = (await refreshes()).slice(before);
    assert.deepEqual(
      r.map((e) => e.result),
      ['success', 'success', 'success'],
    );
  });
});
