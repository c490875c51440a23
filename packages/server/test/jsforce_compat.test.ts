/**
 * jsforce 3, unmodified, against a freshly started server (issue #7): every way
 * it logs in — JWT bearer, client credentials (`oauth2: {clientId, clientSecret}`),
 * the web-server flow with its built-in refresh (`refreshToken`) — `refreshFn`
 * re-authentication after a 401, and the calls an integration makes: record
 * create / retrieve / update / destroy, `query`, `identity()`, `limits()`.
 *
 * jsforce retries and can loop on 401s (clients.md gotchas 4, 5): every test has
 * a hard timeout, and every client call is raced against a deadline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importPKCS8, SignJWT } from 'jose';
import { Connection, OAuth2 } from 'jsforce';
import { generateSelfSigned } from '../src/keys/x509.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { JWT_BEARER } from './assertions.ts';
import { Browser, CALLBACK, codeClient, formFields, signIn } from './authorize_flow.ts';
import { startTestServer, type TestServer } from './harness.ts';

// jsforce ignores NO_PROXY (clients.md gotcha 6).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

const LIMIT = { timeout: 60_000 };

/** A client call with a deadline: a refresh loop fails the test instead of hanging it. */
function bounded<T>(p: PromiseLike<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`jsforce call still running after ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(p), deadline]).finally(() => clearTimeout(timer));
}

describe('jsforce 3 compatibility (issue #7)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite');
  });
  after(() => s.stop());

  /** How many token requests an app made (success or not): a loop shows up here. */
  async function grants(clientId: string): Promise<number> {
    return (await s.ctx.store.audit.list({ clientId })).length;
  }

  test(
    'JWT bearer login, then records, query, identity and limits; refreshFn after a 401',
    LIMIT,
    async () => {
      const pair = await generateSelfSigned({ cn: 'jsforce compat', days: 1 });
      const user = await s.newUser({ firstName: 'Jay', lastName: 'Force' });
      const { app } = await s.newApp({
        scopes: ['api'],
        certificates: [pair.certificatePem],
        permittedUsers: 'admin_approved',
      });
      const pre = await s.admin('POST', `/admin/v1/apps/${app.clientId}/preauthorizations`, {
        username: user.username,
      });
      assert.equal(pre.status, 201, pre.text);
      const key = await importPKCS8(pair.privateKeyPem, 'RS256');
      // What clients.md §1.1 signs: iss, sub, aud (the login URL), exp in seconds; no jti.
      const assertion = () =>
        new SignJWT({ iss: app.clientId, sub: user.username, aud: s.url })
          .setProtectedHeader({ alg: 'RS256' })
          .setExpirationTime('3m')
          .sign(key);
      let regrants = 0;
      const conn = new Connection({
        loginUrl: s.url,
        version: API_VERSION,
        refreshFn: (c, cb) => {
          regrants++;
          assertion()
            .then((a) => c.authorize({ grant_type: JWT_BEARER, assertion: a }))
            .then(
              () => cb(null, c.accessToken ?? undefined),
              (err: Error) => cb(err),
            );
        },
      });
      const info = await bounded(conn.authorize({ grant_type: JWT_BEARER, assertion: await assertion() }));
      assert.deepEqual([info.id, info.organizationId], [user.id, s.ctx.orgId]);
      assert.equal(conn.instanceUrl, s.url);

      const accounts = conn.sobject('Account');
      const created = await bounded(accounts.create({ Name: 'Jsforce Inc', NumberOfEmployees: 3 }));
      assert.equal(created.success, true);
      const id = created.id!;
      const got = await bounded(accounts.retrieve(id));
      assert.deepEqual(
        [got.Id, got.Name, got.NumberOfEmployees, got.OwnerId],
        [id, 'Jsforce Inc', 3, user.id],
      );
      assert.deepEqual(got.attributes, {
        type: 'Account',
        url: `/services/data/v${API_VERSION}/sobjects/Account/${id}`,
      });

      const updated = await bounded(accounts.update({ Id: id, Industry: 'Software' }));
      assert.deepEqual(updated, { id, success: true, errors: [] });
      const q = await bounded(conn.query<{ Id: string; Name: string }>('SELECT Id, Name FROM Account'));
      assert.deepEqual([q.totalSize, q.done], [1, true]);
      assert.deepEqual(
        q.records.map((r) => [r.Id, r.Name]),
        [[id, 'Jsforce Inc']],
      );
      const filtered = await bounded(conn.query("SELECT Id FROM Account WHERE Industry = 'software'"));
      assert.equal(filtered.totalSize, 1);

      const identity = (await bounded(conn.identity())) as unknown as Record<string, unknown>;
      assert.deepEqual(
        [identity.user_id, identity.organization_id, identity.username],
        [user.id, s.ctx.orgId, user.username],
      );
      assert.equal((identity.urls as Record<string, string>).rest, `${s.url}/services/data/v{version}/`);

      const limits = (await bounded(conn.limits())) as unknown as Record<
        string,
        { Max: number; Remaining: number }
      >;
      assert.equal(limits.DailyApiRequests!.Max, 15000);
      assert.ok(limits.DailyApiRequests!.Remaining < 15000);

      // The session ends: one 401, one new JWT grant, the call replayed. Without a jti an assertion is
      // single-use by its bytes, and exp has one-second resolution: a re-grant signed in the same second
      // as the login would be the same JWT (a replay), so the clock moves on as it would in real use.
      assert.equal(regrants, 0);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal((await s.form('/services/oauth2/revoke', { token: conn.accessToken! })).status, 200);
      const destroyed = await bounded(accounts.destroy(id));
      assert.deepEqual(destroyed, { id, success: true, errors: [] });
      assert.equal(regrants, 1);
      assert.equal(await grants(app.clientId), 2);

      // A Salesforce error array becomes a jsforce error with its errorCode; a 404 is not a refresh.
      await assert.rejects(bounded(accounts.retrieve(id)), { errorCode: 'NOT_FOUND' });
      await assert.rejects(bounded(conn.query("SELECT Id FROM Account WHERE Name LIKE 'J%'")), {
        errorCode: 'MALFORMED_QUERY',
      });
      await assert.rejects(bounded(accounts.create({ Nom: 'x' })), { errorCode: 'INVALID_FIELD' });
      assert.equal(regrants, 1);
    },
  );

  test(
    'client credentials from the oauth2 config; refreshFn re-runs the grant after a 401',
    LIMIT,
    async () => {
      const runAs = await s.newUser();
      const { app, clientSecret } = await s.newApp({
        scopes: ['api'],
        clientCredentials: { enabled: true, runAs: runAs.username },
      });
      let refreshes = 0;
      const conn = new Connection({
        oauth2: { loginUrl: s.url, clientId: app.clientId, clientSecret },
        version: API_VERSION,
        refreshFn: (c, cb) => {
          refreshes++;
          c.authorize({ grant_type: 'client_credentials' }).then(
            () => cb(null, c.accessToken ?? undefined),
            (err: Error) => cb(err),
          );
        },
      });
      const info = await bounded(conn.authorize({ grant_type: 'client_credentials' }));
      assert.equal(info.id, runAs.id, 'the run-as user');
      const created = await bounded(conn.sobject('Contact').create({ FirstName: 'Cee', LastName: 'Cee' }));
      const contact = await bounded(conn.sobject('Contact').retrieve(created.id!));
      assert.deepEqual([contact.Name, contact.CreatedById], ['Cee Cee', runAs.id]);

      // Two parallel calls after the revocation share one refresh (clients.md §1.3).
      await s.form('/services/oauth2/revoke', { token: conn.accessToken! });
      const [a, b] = await bounded(
        Promise.all([conn.query('SELECT Id FROM Contact'), conn.query('SELECT Name FROM Contact')]),
      );
      assert.deepEqual([a.totalSize, b.totalSize], [1, 1]);
      assert.equal(refreshes, 1);
      assert.equal(await grants(app.clientId), 2);
    },
  );

  test("the web-server flow (PKCE), then jsforce's built-in refresh with refreshToken", LIMIT, async () => {
    const c = await codeClient(s, { app: { refreshToken: { rotate: false } } });
    const oauth2 = new OAuth2({
      loginUrl: s.url,
      clientId: c.app.clientId,
      clientSecret: c.secret,
      redirectUri: CALLBACK,
      useVerifier: true,
    });
    // The user agent: jsforce's authorization URL → sign in → allow → redirect with the code.
    const url = new URL(oauth2.getAuthorizationUrl({ scope: 'api id refresh_token', state: 'st' }));
    const browser = new Browser(s.url);
    const login = await browser.get(url.pathname + url.search);
    const signedIn = await signIn(browser, login, c.user.username);
    let page = await browser.get(signedIn.location!);
    const consent = formFields(page.text, '/services/oauth2/authorize/consent');
    page = await browser.post('/services/oauth2/authorize/consent', { ...consent, decision: 'allow' });
    const code = new URL(page.location!).searchParams.get('code')!;
    assert.ok(code);

    const conn = new Connection({ oauth2, version: API_VERSION });
    const info = await bounded(conn.authorize(code));
    assert.equal(info.id, c.user.id);
    assert.ok(conn.refreshToken, 'a refresh token from the code exchange');
    const refreshed: string[] = [];
    conn.on('refresh', (accessToken: string) => refreshed.push(accessToken));

    // Twice: the session ends, the 401 makes jsforce POST grant_type=refresh_token, the call is replayed.
    for (const round of [1, 2]) {
      await s.form('/services/oauth2/revoke', { token: conn.accessToken! });
      const id = (await bounded(conn.sobject('Account').create({ Name: `Refreshed ${round}` }))).id!;
      assert.equal((await bounded(conn.sobject('Account').retrieve(id))).CreatedById, c.user.id);
      assert.equal(refreshed.length, round);
    }
  });

  test(
    'with refresh token rotation, jsforce keeps the old token unless the app stores the new one',
    LIMIT,
    async () => {
      const c = await codeClient(s); // rotation is on by default
      const browser = new Browser(s.url);
      const oauth2 = new OAuth2({
        loginUrl: s.url,
        clientId: c.app.clientId,
        clientSecret: c.secret,
        redirectUri: CALLBACK,
      });
      const url = new URL(oauth2.getAuthorizationUrl({ scope: 'api refresh_token' }));
      const signedIn = await signIn(browser, await browser.get(url.pathname + url.search), c.user.username);
      let page = await browser.get(signedIn.location!);
      page = await browser.post('/services/oauth2/authorize/consent', {
        ...formFields(page.text, '/services/oauth2/authorize/consent'),
        decision: 'allow',
      });
      const conn = new Connection({ oauth2, version: API_VERSION });
      await bounded(conn.authorize(new URL(page.location!).searchParams.get('code')!));

      // The documented fix (docs/salesforce-compatibility.md): keep the rotated token from the event.
      conn.on('refresh', (_at: string, res: { refresh_token?: string }) => {
        if (res.refresh_token) conn.refreshToken = res.refresh_token;
      });
      for (let i = 0; i < 3; i++) {
        await s.form('/services/oauth2/revoke', { token: conn.accessToken! });
        assert.equal((await bounded(conn.query('SELECT Id FROM Account'))).done, true);
      }

      // Without it, the second refresh presents a retired token: reuse detection revokes the family.
      conn.removeAllListeners('refresh');
      await s.form('/services/oauth2/revoke', { token: conn.accessToken! });
      await bounded(conn.query('SELECT Id FROM Account'));
      await s.form('/services/oauth2/revoke', { token: conn.accessToken! });
      await assert.rejects(bounded(conn.query('SELECT Id FROM Account')), /Unable to refresh session/);
    },
  );
});
