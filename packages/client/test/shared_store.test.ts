/**
 * The shared token stores (a directory with OS locks; Redis) across real
 * processes: several processes of one service make one token request, a
 * rotated refresh token is saved before anyone uses it and survives a crash,
 * and a spent refresh token is never sent.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import {
  type CredentialConfig,
  createCredential,
  fileTokenStore,
  OAuthClientError,
  redisTokenStore,
  type TokenStore,
  TokenStoreError,
} from '../src/index.ts';
import {
  type AppSetup,
  keyPair,
  littleServer,
  runChild,
  setUpApp,
  startTestServer,
  type TestServer,
  TOKEN_PATH,
  tempDir,
  tokenRequests,
} from './helpers.ts';
import { browserLogin, type OidcServer, startOidcProvider, WEB } from './oidc_provider.ts';

const REDIS_URL = process.env.S2S_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROCESSES = 3;
const HOURS_AGO = (h: number) => () => Date.now() - h * 3600_000;

type StoreSpec =
  | { kind: 'file'; dir: string; staleMs?: number }
  | { kind: 'redis'; url: string; prefix: string };

function openStore(spec: StoreSpec): TokenStore {
  return spec.kind === 'file'
    ? fileTokenStore({ dir: spec.dir, staleMs: spec.staleMs })
    : redisTokenStore({ redis: spec.url, prefix: spec.prefix });
}

describe('shared token stores across processes', () => {
  let s: TestServer;
  let op: OidcServer;
  let a: AppSetup;
  const tmp = tempDir('s2s-store-');
  const prefixes: string[] = [];

  before(async () => {
    [s, op] = await Promise.all([startTestServer('sqlite'), keyPair().then((k) => startOidcProvider(k))]);
    a = await setUpApp(s);
  });
  after(async () => {
    await Promise.all([s.stop(), op.close()]);
    tmp.remove();
    const r = new Redis(REDIS_URL);
    for (const p of prefixes) {
      const keys = await r.keys(`${p}*`);
      if (keys.length > 0) await r.del(...keys);
    }
    await r.quit();
  });

  let n = 0;
  function newStore(kind: 'file' | 'redis'): StoreSpec {
    n++;
    if (kind === 'file') return { kind, dir: join(tmp.dir, `store-${n}`) };
    const prefix = `s2s-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
    prefixes.push(prefix);
    return { kind, url: REDIS_URL, prefix };
  }

  const ccConfig = (name: string): CredentialConfig => ({
    name,
    flow: 'client_credentials',
    tokenEndpoint: `${s.url}${TOKEN_PATH}`,
    clientId: a.clientId,
    clientSecret: a.clientSecret,
  });

  const webConfig = (name: string): CredentialConfig => ({
    name,
    flow: 'authorization_code',
    issuer: op.issuer,
    tokenEndpoint: op.tokenEndpoint,
    clientId: WEB.id,
    clientSecret: WEB.secret,
    redirectUri: WEB.redirect,
    scopes: ['openid', 'offline_access'],
    authorizationParams: { prompt: 'consent' },
  });

  /** Logs in at oidc-provider, saving tokens that are already expired (the clock is 2 h behind). */
  async function loggedIn(spec: StoreSpec, name: string): Promise<string> {
    const store = openStore(spec);
    try {
      const cred = createCredential(webConfig(name), { store, now: HOURS_AGO(2) });
      const pending = await cred.beginAuthorization();
      await cred.finishAuthorization(pending, await browserLogin(pending.url, `user-${name}`));
      return (await cred.state())!.refreshToken!;
    } finally {
      await store.close();
    }
  }

  for (const kind of ['file', 'redis'] as const) {
    test(`${kind}: ${PROCESSES} processes that find the saved token expired make exactly 1 token request`, async () => {
      const spec = newStore(kind);
      const store = openStore(spec);
      const name = `svc-${kind}`;
      const old = await createCredential(ccConfig(name), { store, now: HOURS_AGO(3) }).getToken();
      await store.close();
      const before = (await tokenRequests(s, a.clientId)).length;
      const startAt = Date.now() + 2500;
      const results = await Promise.all(
        Array.from({ length: PROCESSES }, () =>
          runChild({ credential: ccConfig(name), store: spec, startAt }),
        ),
      );
      for (const r of results) assert.equal(r.code, 0, r.stderr + r.lines.join('\n'));
      const tokens = new Set(results.map((r) => r.result!.accessToken));
      assert.equal(tokens.size, 1, 'every process got the same new token');
      assert.ok(!tokens.has(old.accessToken));
      const log = (await tokenRequests(s, a.clientId)).slice(before);
      assert.equal(log.length, 1, 'one token request for all processes');
      assert.equal(log[0]!.result, 'success');
    });

    test(`${kind}: ${PROCESSES} processes share one refresh under rotation; a spent refresh token is never sent`, async () => {
      const spec = newStore(kind);
      const name = `web-${kind}`;
      const rt0 = await loggedIn(spec, name);
      const [ok0, bad0] = [op.count('refresh_token', true), op.count('refresh_token', false)];
      const startAt = Date.now() + 2500;
      const results = await Promise.all(
        Array.from({ length: PROCESSES }, () =>
          runChild({ credential: webConfig(name), store: spec, startAt }),
        ),
      );
      for (const r of results) assert.equal(r.code, 0, r.stderr + r.lines.join('\n'));
      assert.equal(new Set(results.map((r) => r.result!.accessToken)).size, 1);
      assert.equal(op.count('refresh_token', true) - ok0, 1, 'one refresh for all processes');
      assert.equal(op.count('refresh_token', false) - bad0, 0, 'no refresh with a spent token');
      const store = openStore(spec);
      const state = await store.read(name);
      await store.close();
      assert.notEqual(state!.refreshToken, rt0, 'the rotated refresh token is the saved one');
    });

    test(`${kind}: a process killed right after saving a rotated refresh token loses nothing`, async () => {
      const spec = newStore(kind);
      const name = `crash-${kind}`;
      const rt0 = await loggedIn(spec, name);
      const [ok0, bad0] = [op.count('refresh_token', true), op.count('refresh_token', false)];
      // The child refreshes (the server rotates), saves, and is SIGKILLed before it uses the token.
      const crashed = await runChild({ credential: webConfig(name), store: spec, crashAfterSave: true });
      assert.equal(crashed.signal, 'SIGKILL');
      assert.deepEqual(crashed.lines, ['started'], 'it never got to use or print the token');
      assert.equal(op.count('refresh_token', true) - ok0, 1, 'the server rotated the refresh token');

      const store = openStore(spec);
      try {
        const saved = await store.read(name);
        assert.ok(saved?.refreshToken && saved.refreshToken !== rt0, 'the new refresh token was saved');
        // The next process renews with the saved (live) refresh token: it works.
        const next = createCredential(webConfig(name), { store, now: () => Date.now() + 2 * 3600_000 });
        const t = await next.getToken();
        assert.notEqual(t.accessToken, saved.token!.accessToken);
        assert.equal(op.count('refresh_token', true) - ok0, 2);
        assert.equal(op.count('refresh_token', false) - bad0, 0, 'no refresh with a spent token, ever');
        // What the server thinks of the old one: spent (had it been kept, the credential would be stranded).
        const stale = createCredential({
          ...webConfig(`${name}-old`),
          flow: 'refresh_token',
          refreshToken: rt0,
        });
        await assert.rejects(stale.getToken(), (err: unknown) => {
          assert.ok(err instanceof OAuthClientError);
          assert.equal(err.error, 'invalid_grant');
          return true;
        });
      } finally {
        await store.close();
      }
    });
  }

  test('file: state files are 0600 in a 0700 directory, written whole', async () => {
    const spec = newStore('file') as { kind: 'file'; dir: string };
    const store = fileTokenStore({ dir: spec.dir });
    await createCredential(ccConfig('modes'), { store }).getToken();
    assert.equal(statSync(spec.dir).mode & 0o777, 0o700);
    const file = store.pathFor('modes');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(doc.format, 1);
    assert.match(doc.state.token.accessToken, /^00D/);
    assert.equal(existsSync(`${file}.lock`), false, 'the lock is released');
  });

  test('file: a process killed while holding the lock (mid token request) is taken over once the lock is stale', async () => {
    const spec = { ...(newStore('file') as { kind: 'file'; dir: string }), staleMs: 2000 };
    let sawRequest: () => void = () => undefined;
    const requested = new Promise<void>((r) => {
      sawRequest = r;
    });
    const hang = await littleServer(() => {
      sawRequest(); // never answers
    });
    try {
      let kill: () => void = () => undefined;
      const child = runChild(
        { credential: { ...ccConfig('stuck'), tokenEndpoint: `${hang.url}/token` }, store: spec },
        (_line, k) => {
          kill = k;
        },
      );
      await requested;
      const store = fileTokenStore({ dir: spec.dir, staleMs: 2000 });
      assert.ok(existsSync(`${store.pathFor('stuck')}.lock`), 'the child holds the lock');
      const killedAt = Date.now();
      kill();
      const r = await child;
      assert.equal(r.signal, 'SIGKILL');
      const t = await createCredential(ccConfig('stuck'), { store }).getToken();
      assert.match(t.accessToken, /^00D/);
      const waited = Date.now() - killedAt;
      assert.ok(waited >= 1000 && waited < 8000, `took over after the stale time (${waited} ms)`);
    } finally {
      await hang.close();
    }
  });

  test('redis: a holder whose lock expired cannot save over a newer state', async () => {
    const spec = newStore('redis') as { kind: 'redis'; url: string; prefix: string };
    const slow = await littleServer(async (_req, _body, res) => {
      await new Promise((r) => setTimeout(r, 600));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token":"late-token","token_type":"Bearer","expires_in":3600}');
    });
    const store = redisTokenStore({ redis: spec.url, prefix: spec.prefix, lockTtlMs: 200 });
    try {
      const cred = createCredential(
        { ...ccConfig('fenced'), tokenEndpoint: `${slow.url}/token` },
        { store, backoff: { initialMs: 1 } },
      );
      await assert.rejects(cred.getToken(), (err: unknown) => {
        assert.ok(err instanceof TokenStoreError);
        assert.equal(err.credential, 'fenced');
        assert.match(err.message, /the Redis lock expired \(after 200 ms\) before the save/);
        return true;
      });
      assert.equal(await store.read('fenced'), undefined, 'nothing was written');
    } finally {
      await store.close();
      await slow.close();
    }
  });
});
