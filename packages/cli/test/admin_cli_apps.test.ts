import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateSelfSigned, parseCertificatePem } from '../../server/src/keys/x509.ts';
import { basic, startTestServer, type TestServer } from '../../server/test/harness.ts';
import { runCli } from './cli.ts';

describe('s2s admin app … (against a real server)', () => {
  let s: TestServer;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let certA: string;
  let certB: string;
  let clientId: string;
  let secret: string;
  const admin = (...args: string[]) => runCli(['admin', ...args], { env });
  const token = (sec: string) =>
    s.form(
      '/services/oauth2/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(clientId, sec) },
    );

  before(async () => {
    s = await startTestServer('sqlite');
    env = { S2S_URL: s.url, S2S_ADMIN_TOKEN: s.adminToken };
    dir = mkdtempSync(join(tmpdir(), 's2s-cli-admin-'));
    certA = join(dir, 'a.crt');
    certB = join(dir, 'b.crt');
    writeFileSync(certA, (await generateSelfSigned({ cn: 'cli A', days: 30 })).certificatePem);
    writeFileSync(certB, (await generateSelfSigned({ cn: 'cli B', days: 30 })).certificatePem);
    await s.newUser({ username: 'runner@example.com' });
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('refresh and assertion policy flags reach the app', async () => {
    const r = await admin(
      '--json',
      'app',
      'create',
      '--name',
      'Policy flags',
      '--scopes',
      'api,refresh_token',
      '--refresh-grace',
      '30',
      '--refresh-max-lifetime',
      '86400',
      '--refresh-require-secret',
      '--assertion-allow-token-endpoint-aud',
      '--assertion-allow-sha1',
    );
    assert.equal(r.code, 0, r.stderr);
    const created = JSON.parse(r.stdout);
    assert.equal(created.refreshToken.graceSeconds, 30);
    assert.equal(created.refreshToken.maxLifetimeSeconds, 86400);
    assert.equal(created.refreshToken.requireSecret, true);
    assert.equal(created.assertion.allowTokenEndpointAudience, true);
    assert.equal(created.assertion.allowSha1, true);
    const off = await admin('--json', 'app', 'update', created.clientId, '--no-assertion-allow-sha1');
    assert.equal(off.code, 0, off.stderr);
    assert.equal(JSON.parse(off.stdout).assertion.allowSha1, false);
    assert.equal(JSON.parse(off.stdout).refreshToken.graceSeconds, 30, 'untouched fields stay');
  });

  test('app create takes every flag and prints the client secret once', async () => {
    const r = await admin(
      'app',
      'create',
      '--name',
      'Billing sync',
      '--scopes',
      'api,refresh_token',
      '--callback-url',
      'https://a.example/cb',
      '--callback-url',
      'https://b.example/cb',
      '--cert',
      certA,
      '--permitted-users',
      'admin_approved',
      '--cc-run-as',
      'runner@example.com',
      '--token-format',
      'jwt',
      '--token-ttl',
      '900',
      '--api-daily-limit',
      '500',
    );
    assert.equal(r.code, 0, r.stderr);
    clientId = /^client id:\s+(\S+)$/m.exec(r.stdout)![1]!;
    secret = /client secret \(shown only now; store it safely\):\n {2}([0-9A-F]{64})\n/.exec(r.stdout)![1]!;
    assert.match(r.stdout, /^scopes:\s+api,refresh_token$/m);
    assert.match(r.stdout, /^callback urls:\s+https:\/\/a\.example\/cb,https:\/\/b\.example\/cb$/m);
    assert.match(r.stdout, /^permitted users:\s+admin_approved$/m);
    assert.match(r.stdout, /^client credentials:\s+enabled, run as runner@example\.com$/m);
    assert.match(r.stdout, /^access token:\s+jwt, 900s$/m);
    assert.match(r.stdout, /^api daily limit:\s+500$/m);
    assert.match(r.stdout, new RegExp(parseCertificatePem(certPem(certA)).thumbprint));
  });

  test('app get and app list never print the secret', async () => {
    const [get, list, json] = await Promise.all([
      admin('app', 'get', clientId),
      admin('apps', 'list'),
      admin('--json', 'app', 'get', clientId),
    ]);
    for (const r of [get, list, json]) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes(secret));
    }
    assert.match(get.stdout, /^name:\s+Billing sync$/m);
    assert.match(list.stdout, /^NAME\s+SCOPES\s+PERMITTED USERS\s+RUN AS\s+CERTS\s+CLIENT ID$/m);
    assert.match(
      list.stdout,
      new RegExp(
        `Billing sync\\s+api,refresh_token\\s+admin_approved\\s+runner@example.com\\s+1\\s+${clientId}`,
      ),
    );
    assert.equal(JSON.parse(json.stdout).clientId, clientId);
  });

  test('app create --json holds clientSecret; bad flags are caught locally or by the server', async () => {
    const [j, badTtl, lowTtl, noFile] = await Promise.all([
      admin('--json', 'app', 'create', '--name', 'Json app'),
      admin('app', 'create', '--name', 'x', '--token-ttl', 'soon'),
      admin('app', 'create', '--name', 'x', '--token-ttl', '5'),
      admin('app', 'create', '--name', 'x', '--cert', join(dir, 'missing.crt')),
    ]);
    assert.equal(j.code, 0, j.stderr);
    assert.match(JSON.parse(j.stdout).clientSecret, /^[0-9A-F]{64}$/);
    assert.equal(badTtl.code, 1);
    assert.match(badTtl.stderr, /--token-ttl/);
    assert.equal(lowTtl.code, 1);
    assert.equal(
      lowTtl.stderr,
      'error: invalid_request: accessToken.ttlSeconds: must be a whole number from 60 to 86400\n',
    );
    assert.equal(noFile.code, 1);
    assert.match(noFile.stderr, /^error: cannot read .*missing\.crt: ENOENT\n$/);
  });

  test('app update changes only what is given', async () => {
    const r = await admin(
      '--json',
      'app',
      'update',
      clientId,
      '--name',
      'Billing',
      '--permitted-users',
      'all_users',
    );
    assert.equal(r.code, 0, r.stderr);
    const a = JSON.parse(r.stdout);
    assert.equal(a.name, 'Billing');
    assert.equal(a.permittedUsers, 'all_users');
    assert.equal(a.accessToken.format, 'jwt', 'kept');
    assert.equal(a.accessToken.ttlSeconds, 900, 'kept');
    const none = await admin('app', 'update', clientId);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, 'error: nothing to change: pass at least one option\n');
  });

  test('app cert add / list / remove; a duplicate is error: conflict', async () => {
    const add = await admin('app', 'cert', 'add', clientId, certB);
    assert.equal(add.code, 0, add.stderr);
    const tB = parseCertificatePem(certPem(certB)).thumbprint;
    assert.match(add.stdout, new RegExp(`^thumbprint:\\s+${tB}$`, 'm'));
    const [dup, list] = await Promise.all([
      admin('app', 'cert', 'add', clientId, certB),
      admin('app', 'cert', 'list', clientId),
    ]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /^error: conflict: /);
    assert.match(list.stdout, /CN=cli A/);
    assert.match(list.stdout, /CN=cli B/);
    const rm = await admin('app', 'cert', 'remove', clientId, tB);
    assert.equal(rm.code, 0, rm.stderr);
    const after = await admin('--json', 'app', 'cert', 'list', clientId);
    assert.deepEqual(
      JSON.parse(after.stdout).map((c: { subject: string }) => c.subject),
      ['CN=cli A'],
    );
  });

  test('app secret add prints a second secret once; rotation works at the token endpoint', async () => {
    const add = await admin('app', 'secret', 'add', clientId);
    assert.equal(add.code, 0, add.stderr);
    const second = /client secret \(shown only now; store it safely\):\n {2}([0-9A-F]{64})\n/.exec(
      add.stdout,
    )![1]!;
    assert.equal((await token(secret)).status, 200);
    assert.equal((await token(second)).status, 200);
    const list = await admin('--json', 'app', 'secret', 'list', clientId);
    const ids = JSON.parse(list.stdout) as { id: string; hint: string }[];
    assert.equal(ids.length, 2);
    assert.ok(!list.stdout.includes(second) && !list.stdout.includes(secret));
    const first = ids.find((x) => secret.endsWith(x.hint))!;
    const rm = await admin('app', 'secret', 'remove', clientId, first.id);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await token(secret)).status, 401);
    assert.equal((await token(second)).status, 200);
    const last = ids.find((x) => x.id !== first.id)!;
    const refused = await admin('app', 'secret', 'remove', clientId, last.id);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: conflict: an app must keep at least one secret/);
  });

  test('app preauth add / list / remove', async () => {
    const [byUser, byProfile, neither] = await Promise.all([
      admin('--json', 'app', 'preauth', 'add', clientId, '--username', 'runner@example.com'),
      admin('app', 'preauth', 'add', clientId, '--profile', 'Integration'),
      admin('app', 'preauth', 'add', clientId),
    ]);
    assert.equal(byUser.code, 0, byUser.stderr);
    assert.equal(byProfile.code, 0, byProfile.stderr);
    assert.match(byProfile.stdout, /^kind:\s+profile$/m);
    assert.equal(neither.code, 1);
    assert.equal(neither.stderr, 'error: give exactly one of --username or --profile\n');
    const ghost = await admin('app', 'preauth', 'add', clientId, '--username', 'ghost@example.com');
    assert.equal(ghost.code, 1);
    assert.equal(ghost.stderr, 'error: invalid_request: username: no user named ghost@example.com\n');
    const list = await admin('app', 'preauth', 'list', clientId);
    assert.match(list.stdout, /^ID\s+KIND\s+VALUE\s+CREATED$/m);
    assert.match(list.stdout, /user\s+runner@example\.com/);
    const rm = await admin('app', 'preauth', 'remove', clientId, JSON.parse(byUser.stdout).id);
    assert.equal(rm.code, 0, rm.stderr);
    const after = await admin('--json', 'app', 'preauth', 'list', clientId);
    assert.deepEqual(
      JSON.parse(after.stdout).map((p: { kind: string }) => p.kind),
      ['profile'],
    );
  });

  test('app delete removes the app; then it is error: not_found', async () => {
    const rm = await admin('app', 'delete', clientId);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(rm.stdout, `deleted app ${clientId}\n`);
    const get = await admin('app', 'get', clientId);
    assert.equal(get.code, 1);
    assert.equal(get.stderr, 'error: not_found: no app with that client id\n');
  });
});

function certPem(file: string): string {
  return readFileSync(file, 'utf8');
}
