/**
 * Secrets and tokens are never logged, at any level: run the flows with trace
 * logging into memory and look for every credential that crossed the wire.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_TOKEN, basic, startTestServer, type TestServer } from './harness.ts';

describe('logs carry no secrets or tokens', () => {
  const lines: string[] = [];
  let s: TestServer;
  const secrets: string[] = [ADMIN_TOKEN];

  before(async () => {
    s = await startTestServer('sqlite', {
      config: { logLevel: 'trace' },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
  });
  after(() => s.stop());

  test('client credentials, API calls, revoke, introspect and failures leave no credential in the log', async () => {
    const u = await s.newUser({ password: 'correct horse battery' });
    secrets.push('correct horse battery');
    const { app, clientSecret } = await s.newApp({
      scopes: ['api', 'id'],
      clientCredentials: { enabled: true, runAs: u.username },
    });
    secrets.push(clientSecret);
    const auth = basic(app.clientId, clientSecret);

    const t1 = await s.form(
      '/services/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: auth },
    );
    const t2 = await s.form('/services/oauth2/token', {
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: clientSecret,
    });
    assert.equal(t1.status, 200);
    assert.equal(t2.status, 200);
    secrets.push(t1.body.access_token, t2.body.access_token, t1.body.signature);

    await s.get('/services/data/v62.0/', { authorization: `Bearer ${t1.body.access_token}` });
    await s.get(`/services/oauth2/userinfo?oauth_token=${encodeURIComponent(t2.body.access_token)}`);
    await s.form('/services/oauth2/introspect', { token: t1.body.access_token }, { authorization: auth });
    await s.form('/services/oauth2/revoke', { token: t1.body.access_token });
    await s.get('/services/data/v62.0/', { authorization: `Bearer ${t1.body.access_token}` });
    // Failures log their reason; the presented values must still not appear.
    const wrong = 'WRONG-SECRET-' + clientSecret.slice(0, 20);
    secrets.push(wrong);
    const bad = await s.form(
      '/services/oauth2/token',
      { grant_type: 'client_credentials' },
      {
        authorization: basic(app.clientId, wrong),
      },
    );
    assert.equal(bad.status, 401);
    await s.admin('GET', '/admin/v1/apps');
    await s.form('/services/oauth2/token', {
      grant_type: 'client_credentials',
      client_secret: 'x',
      client_id: 'y',
    });

    const log = lines.join('');
    assert.match(log, /"path":"\/services\/oauth2\/token"/, 'request lines were logged at all');
    assert.match(log, /"path":"\/services\/oauth2\/userinfo"/);
    for (const secret of secrets) {
      assert.equal(log.includes(secret), false, `a credential (${secret.slice(0, 6)}…) appears in the log`);
    }
    assert.equal(log.includes('oauth_token='), false, 'query strings are not logged');
  });
});
