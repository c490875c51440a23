import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, startTestServer, type TestServer } from '../../server/test/harness.ts';
import { runCli } from './cli.ts';

describe('s2s admin approval … and s2s admin audit (against a real server)', () => {
  let s: TestServer;
  let env: NodeJS.ProcessEnv;
  let clientId: string;
  let secret: string;
  const username = 'approver@example.com';
  const admin = (...args: string[]) => runCli(['admin', ...args], { env });

  before(async () => {
    s = await startTestServer('sqlite');
    env = { S2S_URL: s.url, S2S_ADMIN_TOKEN: s.adminToken };
    await s.newUser({ username });
    const created = await s.newApp({
      scopes: ['api', 'id'],
      clientCredentials: { enabled: true, runAs: username },
    });
    clientId = created.app.clientId;
    secret = created.clientSecret;
    const cc = (sec: string) =>
      s.form(
        '/services/oauth2/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(clientId, sec) },
      );
    await cc('wrong');
    await cc(secret);
  });
  after(() => s.stop());

  let approvalId: string;

  test('approval create prints the approval; scopes beyond the app are error: invalid_request', async () => {
    const [ok, bad] = await Promise.all([
      admin(
        '--json',
        'approval',
        'create',
        '--client-id',
        clientId,
        '--username',
        username,
        '--scopes',
        'api,id',
      ),
      admin('approval', 'create', '--client-id', clientId, '--username', username, '--scopes', 'full'),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const a = JSON.parse(ok.stdout);
    assert.equal(a.source, 'admin');
    assert.deepEqual(a.scopes, ['api', 'id']);
    approvalId = a.id;
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'error: invalid_request: scopes: not scopes of the app: full\n');
  });

  test('approval list (alias approvals) filters by client id and username', async () => {
    const [all, mine, none] = await Promise.all([
      admin('approvals', 'list'),
      admin('--json', 'approval', 'list', '--client-id', clientId, '--username', username),
      admin('--json', 'approval', 'list', '--username', 'nobody@example.com'),
    ]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^ID\s+USERNAME\s+APP\s+SCOPES\s+SOURCE\s+UPDATED\s+CLIENT ID$/m);
    assert.match(all.stdout, new RegExp(`${approvalId}\\s+${username}`));
    assert.deepEqual(
      JSON.parse(mine.stdout).map((a: { id: string }) => a.id),
      [approvalId],
    );
    assert.deepEqual(JSON.parse(none.stdout), []);
  });

  test("approval remove revokes the app's tokens for the user", async () => {
    const issued = await s.form(
      '/services/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(clientId, secret) },
    );
    const active = async () =>
      (
        await s.form(
          '/services/oauth2/introspect',
          { token: issued.body.access_token },
          { authorization: basic(clientId, secret) },
        )
      ).body.active;
    assert.equal(await active(), true);
    const r = await admin('approval', 'remove', approvalId);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^removed approval /);
    assert.equal(await active(), false);
    const again = await admin('approval', 'rm', approvalId);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'error: not_found: no approval with that id\n');
  });

  test('audit prints grant attempts with filters; bad filters fail', async () => {
    const [table, failures, limited, badSince, badResult] = await Promise.all([
      admin('audit', '--client-id', clientId),
      admin('--json', 'audit', '--result', 'failure', '--grant-type', 'client_credentials'),
      admin('--json', 'audit', '--limit', '1', '--since', '2000-01-01T00:00:00Z'),
      admin('audit', '--since', 'yesterday'),
      admin('audit', '--result', 'maybe'),
    ]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^AT\s+RESULT\s+GRANT TYPE\s+USERNAME\s+ERROR\s+SOURCE IP\s+CLIENT ID$/m);
    assert.match(
      table.stdout,
      /failure\s+client_credentials\s+-\s+invalid_client: invalid client credentials/,
    );
    assert.match(table.stdout, new RegExp(`success\\s+client_credentials\\s+${username}`));
    const f = JSON.parse(failures.stdout) as { result: string; errorCode: string }[];
    assert.ok(f.length >= 1 && f.every((e) => e.result === 'failure'));
    assert.equal(JSON.parse(limited.stdout).length, 1);
    assert.equal(badSince.code, 1);
    assert.equal(
      badSince.stderr,
      'error: invalid_request: since: must be an ISO 8601 date-time or epoch milliseconds\n',
    );
    assert.equal(badResult.code, 1);
    assert.match(badResult.stderr, /--result/);
  });
});
