/**
 * The Salesforce CLI's JWT login against a freshly started server, for real:
 * @salesforce/core 8.32 (the library `sf org login jwt` runs) under Node 22,
 * both installed by scripts/install-sf-tools.sh into .cache/sf-tools, outside
 * the workspace. sf_core_driver.mjs does what the CLI's commands do:
 * `AuthInfo.create` with the JWT flow, `save`, `identifyPossibleScratchOrgs`
 * (`sf org login jwt`), then `Org.create` + `refreshAuth` (`sf org display`), a
 * record create and a query, and a re-login after the access token is revoked.
 *
 * What it sends (clients.md §2): `aud` = the instance URL with a trailing slash,
 * `exp` in milliseconds, no `jti`; then the ScratchOrgInfo query (400 here),
 * `GET /services/data` and the Organization query.
 *
 * Skipped, saying why, only when the tools are missing outside CI; in CI (CI set)
 * missing tools fail the test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateSelfSigned } from '../src/keys/x509.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { type Exchange, type RecordingProxy, startRecordingProxy } from './sf_recording_proxy.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TOOLS = join(ROOT, '.cache', 'sf-tools');
const NODE22 = join(TOOLS, 'node');
const DRIVER = fileURLToPath(new URL('./sf_core_driver.mjs', import.meta.url));
const present = existsSync(NODE22) && existsSync(join(TOOLS, 'node_modules', '@salesforce', 'core'));
const skip =
  !present && !process.env.CI
    ? 'sf tools not installed: run scripts/install-sf-tools.sh (Node 22 + @salesforce/core in .cache/sf-tools)'
    : false;

const HARD_TIMEOUT = 60_000;

interface DriverResult {
  node: string;
  warnings: string[];
  login: Record<string, unknown>;
  display: Record<string, unknown>;
  api: { created: Record<string, unknown>; totalSize: number; records: Record<string, unknown>[] };
  expiry: { revokeStatus: number; tokenChanged: boolean; totalSize: number };
}

/** Runs the driver under Node 22 with its own HOME; killed at the deadline (sf core retries). */
function runDriver(env: Record<string, string>): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE22, [DRIVER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), HARD_TIMEOUT - 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(
          new Error(`sf driver ${signal ? `killed (${signal})` : `exited ${code}`}: ${stderr.slice(-4000)}`),
        );
        return;
      }
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as DriverResult);
    });
  });
}

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** The recorded traffic: the JWT as clients.md §2.1 describes it, then the follow-up calls of §2.2. */
function assertWhatSfSent(ex: Exchange[], o: { clientId: string; username: string; loginUrl: string }) {
  const first = ex[0]!;
  assert.deepEqual([first.method, first.path, first.status], ['POST', '/services/oauth2/token', 200]);
  const form = new URLSearchParams(first.body);
  assert.deepEqual([...form.keys()].sort(), ['assertion', 'grant_type'], 'no client_id, no secret');
  assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  const [header, payload] = form
    .get('assertion')!
    .split('.')
    .map((p, i) => (i < 2 ? decode(p) : p));
  assert.deepEqual(header, { alg: 'RS256', typ: 'JWT' });
  assert.equal(payload.iss, o.clientId);
  assert.equal(payload.sub, o.username);
  assert.equal(payload.aud, o.loginUrl, 'aud is the instance URL with its trailing slash');
  assert.ok(payload.exp > 1e11, `exp is in milliseconds (${payload.exp})`);
  assert.ok(payload.iat < 1e11, 'iat is in seconds');
  assert.equal(payload.jti, undefined, 'no jti');

  const seen = ex.map((e) => `${e.method} ${decodeURIComponent(e.path)} ${e.status}`);
  for (const want of [
    'GET /services/data/v51.0/query?q=SELECT Id FROM ScratchOrgInfo limit 1 400',
    'GET /services/data 200',
    'GET /services/data/v62.0/query?q=SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization 200',
  ]) {
    assert.ok(seen.includes(want), `${want} in ${seen.join('\n')}`);
  }
  assert.equal(seen.filter((l) => l.startsWith('POST /services/oauth2/token')).length, 2);
  assert.ok(
    seen.includes('GET /services/data/v62.0/query?q=SELECT Id FROM Account 401'),
    'the call after the revocation got 401 once, then was replayed',
  );
}

describe('sf org login jwt (@salesforce/core AuthInfo on Node 22)', { skip }, () => {
  let s: TestServer;
  let proxy: RecordingProxy;
  let home: string;
  let env: Record<string, string>;
  let clientId: string;
  let username: string;
  let userId: string;

  before(async () => {
    assert.ok(present, 'CI must run this test: scripts/test-all.sh calls scripts/install-sf-tools.sh first');
    // Every request sf sends goes through the recording proxy: it is the issuer, so also instance_url.
    proxy = await startRecordingProxy();
    s = await startTestServer('sqlite', { config: { issuer: proxy.url } });
    proxy.target((s.app.server.address() as AddressInfo).port);
    home = mkdtempSync(join(tmpdir(), 's2s-sf-home-'));
    const pair = await generateSelfSigned({ cn: 'sf cli test', days: 1 });
    const keyFile = join(home, 'server.key');
    writeFileSync(keyFile, pair.privateKeyPem, { mode: 0o600 });
    const user = await s.newUser();
    userId = user.id;
    username = user.username;
    const { app } = await s.newApp({
      scopes: ['api', 'refresh_token'],
      certificates: [pair.certificatePem],
      permittedUsers: 'admin_approved',
    });
    clientId = app.clientId;
    const pre = await s.admin('POST', `/admin/v1/apps/${clientId}/preauthorizations`, {
      username: user.username,
    });
    assert.equal(pre.status, 201, pre.text);
    // Nothing of the machine user's: HOME (auth files in ~/.sfdx, ~/.sf) is a temporary folder,
    // no proxy (sf core ignores NO_PROXY, clients.md gotcha 6).
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      SF_TOOLS_DIR: TOOLS,
      LOGIN_URL: new URL(s.url).href,
      CLIENT_ID: clientId,
      KEY_FILE: keyFile,
      SF_USERNAME: user.username,
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_LOG_FILE: 'true',
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_DOMAIN_RETRY: '5',
    };
  });
  after(async () => {
    await s?.stop();
    await proxy?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('logs in, displays the org, calls the API and re-logs in after a 401', {
    timeout: HARD_TIMEOUT,
  }, async () => {
    assert.ok(env.LOGIN_URL!.endsWith('/'), 'the CLI passes the instance URL with a trailing slash');
    const mark = proxy.exchanges.length;
    const r = await runDriver(env);
    assert.match(r.node, /^v22\./);
    assertWhatSfSent(proxy.exchanges.slice(mark), { clientId, username, loginUrl: env.LOGIN_URL! });

    assert.equal(r.login.orgId, s.ctx.orgId);
    assert.equal(r.login.instanceUrl, s.url, 'instance_url without a trailing slash');
    assert.equal(r.login.isDevHub, false, 'the ScratchOrgInfo query is refused, so not a Dev Hub');
    assert.equal(r.login.hasAccessToken, true);
    assert.equal(r.login.hasRefreshToken, false, 'no refresh token from the JWT grant');
    assert.equal(r.login.authFileSaved, true);

    assert.equal(r.display.orgId, s.ctx.orgId);
    assert.equal(r.display.instanceUrl, s.url);
    assert.equal(r.display.apiVersion, '62.0', 'the highest version of GET /services/data');

    assert.equal(r.api.created.success, true);
    assert.equal(r.api.totalSize, 1);
    assert.equal(r.api.records[0]!.Name, 'Made by sf');
    const record = await s.ctx.store.records.find(s.ctx.orgId, 'Account', String(r.api.created.id));
    assert.equal(record?.createdById, userId, 'created as the JWT subject');

    assert.equal(r.expiry.revokeStatus, 200);
    assert.equal(r.expiry.tokenChanged, true, 'AuthInfo re-ran the JWT grant');
    assert.equal(r.expiry.totalSize, 1);

    // Exactly two grants, both first attempts on our host: no fallback to login/test.salesforce.com.
    const grants = await s.ctx.store.audit.list({ clientId });
    assert.deepEqual(
      grants.map((g) => [g.grantType, g.result]),
      [
        ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'success'],
        ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'success'],
      ],
    );
  });
});
