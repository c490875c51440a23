/**
 * Configuration: one table of settings; precedence flags > environment > config file >
 * defaults; every invalid value refuses to start with a message naming the setting; and
 * docs/configuration.md is the reference of every flag, variable and file key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  DEFAULTS,
  resolveConfig,
  type ServerConfig,
  validateConfig,
} from '../src/config/index.ts';
import { SETTINGS } from '../src/config/settings.ts';
import { startServer } from '../src/server.ts';
import { runServe } from './durability_helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 's2s-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const refuses = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof ConfigError && message.test((err as Error).message));

describe('configuration precedence: flags > environment > config file > defaults', () => {
  test('each layer wins over the ones below it, setting by setting', () => {
    const cfg = file('layers.json', {
      port: 1111,
      host: '10.0.0.1',
      corsOrigins: ['https://file.example'],
      clockSkewSeconds: 30,
      trustProxy: true,
      issuer: 'https://file.example',
      demo: false,
    });
    const c = resolveConfig({
      configFile: cfg,
      env: { S2S_PORT: '2222', S2S_CORS_ORIGINS: 'https://env.example, https://env2.example', S2S_HOST: '' },
      flags: { port: '3333' },
    });
    assert.equal(c.port, 3333, 'flag over env over file');
    assert.deepEqual(c.corsOrigins, ['https://env.example', 'https://env2.example'], 'env over file');
    assert.equal(c.host, '10.0.0.1', 'file over default (an empty variable counts as unset)');
    assert.equal(c.clockSkewSeconds, 30);
    assert.equal(c.trustProxy, true);
    assert.equal(c.demo, false);
    assert.equal(c.databaseUrl, DEFAULTS.databaseUrl, 'default when no layer sets it');
  });

  test('S2S_CONFIG names the file when --config does not; --config wins', () => {
    const a = file('a.json', { port: 4444 });
    const b = file('b.json', { port: 5555 });
    assert.equal(resolveConfig({ env: { S2S_CONFIG: a } }).port, 4444);
    assert.equal(resolveConfig({ env: { S2S_CONFIG: a }, configFile: b }).port, 5555);
  });

  test('bare flags only switch away from the default: --no-demo, --trust-proxy, --no-migrate', () => {
    const c = resolveConfig({
      env: { S2S_DEMO: 'true' },
      flags: { demo: false, trustProxy: true, migrate: false },
    });
    assert.equal(c.demo, false);
    assert.equal(c.trustProxy, true);
    assert.equal(c.migrate, false);
    const d = resolveConfig({ env: { S2S_DEMO: 'false' }, flags: { demo: true } });
    assert.equal(d.demo, false, 'commander leaves demo=true when --no-demo is absent: the env stands');
  });
});

describe('invalid configuration names the setting', () => {
  test('environment values name the variable, flags the flag, file keys the key and the file', () => {
    refuses(() => resolveConfig({ env: { S2S_PORT: 'eighty' } }), /^S2S_PORT must be a port number/);
    refuses(
      () => resolveConfig({ env: {}, flags: { bodyLimit: '12' } }),
      /^--body-limit must be a whole number from 1024/,
    );
    refuses(
      () => resolveConfig({ env: { S2S_TRUST_PROXY: 'maybe' } }),
      /^S2S_TRUST_PROXY must be true or false/,
    );
    const bad = file('bad-type.json', { rateLimitWindowSeconds: 'soon' });
    refuses(
      () => resolveConfig({ env: {}, configFile: bad }),
      /"rateLimitWindowSeconds" in config file .*bad-type\.json must be a whole number/,
    );
    const wrongJsonType = file('bad-json-type.json', {
      corsOrigins: 'https://a.example',
      trustProxy: 'yes',
      demo: 1,
    });
    refuses(
      () => resolveConfig({ env: {}, configFile: wrongJsonType }),
      /"demo" in config file .* must be true or false \(got 1\)/,
    );
  });

  test('an unknown key, bad JSON or an unreadable file refuse to start', () => {
    refuses(
      () => resolveConfig({ env: {}, configFile: file('unknown.json', { prot: 1 }) }),
      /unknown setting "prot"/,
    );
    refuses(
      () => resolveConfig({ env: {}, configFile: file('broken.json', '{"port": ') }),
      /is not valid JSON/,
    );
    refuses(
      () => resolveConfig({ env: {}, configFile: file('array.json', [1]) }),
      /must hold one JSON object/,
    );
    refuses(() => resolveConfig({ env: { S2S_CONFIG: join(dir, 'absent.json') } }), /cannot be read: ENOENT/);
  });

  test('cross-setting rules name every setting involved', () => {
    const v = (over: Partial<ServerConfig>) => () => validateConfig({ ...DEFAULTS, ...over });
    refuses(
      v({ tlsCert: 'a.pem' }),
      /tlsCert \(S2S_TLS_CERT \/ --tls-cert\) and tlsKey \(S2S_TLS_KEY \/ --tls-key\) go together/,
    );
    refuses(v({ trustProxy: true }), /issuer \(S2S_ISSUER \/ --issuer\) is required with trustProxy/);
    refuses(
      v({ corsOrigins: ['https://app.example/'] }),
      /corsOrigins \(S2S_CORS_ORIGINS \/ --cors-origins\) entries must be origins/,
    );
    refuses(
      v({ keyEncryptionKey: Buffer.alloc(16).toString('base64') }),
      /S2S_KEY_ENCRYPTION_KEY key 1 must be 32 bytes in base64 \(got 16 bytes\)/,
    );
    refuses(
      v({ keyRotationOverlapSeconds: 10, keyReloadSeconds: 60 }),
      /keyRotationOverlapSeconds .* must be at least keyReloadSeconds/,
    );
    refuses(v({ metricsPort: 9000, port: 9000 }), /metricsPort .* must differ from port/);
    refuses(
      v({ metricsToken: 'short' }),
      /metricsToken \(S2S_METRICS_TOKEN\) must be at least 16 characters/,
    );
    refuses(
      v({ redisUrl: 'localhost:6379' }),
      /redisUrl \(S2S_REDIS_URL \/ --redis\) must start with redis:\/\//,
    );
    assert.equal(
      validateConfig({ ...DEFAULTS, keyEncryptionKey: Buffer.alloc(32, 7).toString('base64') }).port,
      8080,
    );
  });

  test('TLS files that cannot be read or do not match refuse to start, naming the settings', async () => {
    const base = { ...DEFAULTS, port: 0, host: '127.0.0.1', logLevel: 'silent', demo: false };
    await assert.rejects(
      startServer({
        ...base,
        databaseUrl: `sqlite:${join(dir, 'tls.db')}`,
        tlsCert: join(dir, 'no.crt'),
        tlsKey: join(dir, 'no.key'),
      }),
      /tlsCert \(S2S_TLS_CERT \/ --tls-cert\) .*no\.crt cannot be read: ENOENT/,
    );
  });
});

describe('docs/configuration.md is the reference', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url)), 'utf8');

  test('names every flag, environment variable and config-file key, and the config file itself', () => {
    const missing: string[] = [];
    for (const s of SETTINGS) {
      for (const name of [s.env, `\`${s.key}\``, ...(s.flag ? [s.flag] : [])]) {
        if (!doc.includes(name)) missing.push(`${s.key}: ${name}`);
      }
    }
    for (const name of ['--config', 'S2S_CONFIG']) if (!doc.includes(name)) missing.push(name);
    assert.deepEqual(missing, []);
  });

  test('states each default as the code has it', () => {
    const wrong: string[] = [];
    for (const s of SETTINGS) {
      const d = DEFAULTS[s.key];
      if (d === undefined || (Array.isArray(d) && d.length === 0) || typeof d === 'boolean') continue;
      const row = doc.split('\n').find((l) => l.startsWith('|') && l.includes(s.env));
      if (!row?.includes(`\`${String(d)}\``)) wrong.push(`${s.env}: default ${String(d)}`);
    }
    assert.deepEqual(wrong, []);
  });
});

describe('s2s serve reads the config file (real process)', () => {
  test('--config supplies settings, the environment overrides it, and a bad key stops the start', async () => {
    const db = `sqlite:${join(dir, 'serve.db')}`;
    const cfg = file('serve.json', {
      host: '127.0.0.1',
      port: 0,
      databaseUrl: db,
      demo: false,
      logLevel: 'warn',
    });
    const s = await runServe(['--config', cfg], {
      env: { S2S_ADMIN_TOKEN: 'config-admin-token-0123456789', S2S_LOG_LEVEL: 'error' },
    });
    try {
      assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const ready = await fetch(`${s.url}/readyz`);
      assert.equal(ready.status, 200);
    } finally {
      await s.stop();
    }
    const badCfg = file('serve-bad.json', { port: 0, listen: '0.0.0.0' });
    const r = await runServe(['--config', badCfg], { expectExit: true });
    assert.equal(r.code, 1);
    assert.match(
      r.output(),
      /invalid configuration: config file .*serve-bad\.json: unknown setting "listen"/,
    );
  });
});
