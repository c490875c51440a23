// Nothing of the authorization-code flow reaches the log at trace level: not the password,
// the session cookie, the CSRF token, the code, the PKCE verifier, nor the tokens — also on
// the failure paths (wrong password, bad CSRF, reused code).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  authorizeUrl,
  Browser,
  codeClient,
  exchange,
  formFields,
  obtainCode,
  PASSWORD,
  pkce,
  signIn,
} from './authorize_flow.ts';
import { startTestServer, type TestServer } from './harness.ts';

describe('authorization-code flow: logs carry no secrets', () => {
  const lines: string[] = [];
  let s: TestServer;

  before(async () => {
    s = await startTestServer('sqlite', {
      config: { logLevel: 'trace' },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
  });
  after(() => s.stop());

  test('sign-in, consent, exchange, reuse and refusals', async () => {
    const c = await codeClient(s);
    const secrets: string[] = [PASSWORD, c.secret];
    const b = new Browser(s.url);
    const login = await b.get(authorizeUrl(c));
    const wrongPassword = 'Wrong-Password-0123456789';
    secrets.push(wrongPassword, formFields(login.text, '/services/oauth2/login').csrf!);
    await signIn(b, login, c.user.username, wrongPassword);
    await b.post('/services/oauth2/login', {
      csrf: 'forged-csrf-token-0123456789',
      username: c.user.username,
      password: PASSWORD,
    });
    const { verifier, challenge } = pkce();
    const { code } = await obtainCode(
      s,
      c,
      { scope: 'api refresh_token', code_challenge: challenge, code_challenge_method: 'S256' },
      b,
    );
    secrets.push(verifier, code, ...b.cookies.values());
    const t = await exchange(s, c, { code, code_verifier: verifier });
    assert.equal(t.status, 200);
    secrets.push(t.body.access_token, t.body.refresh_token);
    assert.equal((await exchange(s, c, { code, code_verifier: verifier })).status, 400);

    const log = lines.join('');
    assert.match(log, /"path":"\/services\/oauth2\/authorize"/, 'request lines were logged at all');
    for (const secret of secrets) {
      assert.equal(log.includes(secret), false, `a secret (${secret.slice(0, 4)}…) appears in the log`);
    }
  });
});
