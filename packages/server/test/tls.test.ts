/**
 * HTTPS served directly (--tls-cert/--tls-key): a certificate for 127.0.0.1 made here, verified
 * by the client (no `rejectUnauthorized: false`); the issuer becomes https, answers carry HSTS,
 * plain HTTP on the port gets nowhere, a key that does not match refuses to start.
 */
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as x509 from '@peculiar/x509';
import { DEFAULTS } from '../src/config/index.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { postForm, runServe } from './durability_helpers.ts';
import { basic, freshDatabase, type TestDatabase } from './harness.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

async function certificateFor127(): Promise<{ cert: string; key: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=localhost',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    cert: cert.toString('pem'),
    key: `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`,
  };
}

/** GET over HTTPS trusting only our certificate. */
function httpsGet(
  url: string,
  ca: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('HTTPS served directly', () => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-tls-'));
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  let pem: { cert: string; key: string };
  let db: TestDatabase;
  let s: RunningServer;

  before(async () => {
    pem = await certificateFor127();
    writeFileSync(certFile, pem.cert);
    writeFileSync(keyFile, pem.key, { mode: 0o600 });
    db = await freshDatabase('sqlite');
    s = await startServer({
      ...DEFAULTS,
      port: 0,
      host: '127.0.0.1',
      databaseUrl: db.url,
      demo: false,
      logLevel: 'silent',
      adminToken: 'tls-admin-token-0123456789',
      tlsCert: certFile,
      tlsKey: keyFile,
    });
  });
  after(async () => {
    await s.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the issuer is https, the certificate verifies, answers carry HSTS', async () => {
    assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await httpsGet(`${s.url}/.well-known/openid-configuration`, pem.cert);
    assert.equal(r.status, 200);
    const meta = JSON.parse(r.body) as { issuer: string; token_endpoint: string };
    assert.equal(meta.issuer, s.url);
    assert.equal(meta.token_endpoint, `${s.url}/services/oauth2/token`);
    assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
  });

  test('a token request over HTTPS', async () => {
    const { createUser } = await import('../src/services/users.ts');
    const { createApp } = await import('../src/services/apps.ts');
    const u = await createUser(s.ctx, { username: 'tls@example.com' });
    const { app, clientSecret } = await createApp(s.ctx, {
      name: 'TLS',
      clientCredentials: { enabled: true, runAs: u.username },
    });
    const body = await new Promise<{ status: number; json: { access_token?: string } }>((resolve, reject) => {
      const form = 'grant_type=client_credentials';
      const req = request(
        `${s.url}/services/oauth2/token`,
        {
          method: 'POST',
          ca: pem.cert,
          agent: false,
          headers: {
            authorization: basic(app.clientId, clientSecret),
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': form.length,
          },
        },
        (res) => {
          let t = '';
          res.on('data', (d) => (t += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(t) }));
        },
      );
      req.on('error', reject);
      req.end(form);
    });
    assert.equal(body.status, 200);
    assert.ok(body.json.access_token);
  });

  test('plain HTTP on the TLS port gets no answer', async () => {
    await assert.rejects(
      postForm(`${s.url.replace('https:', 'http:')}/services/oauth2/token`, {
        grant_type: 'client_credentials',
      }),
    );
  });

  test('a key that does not match the certificate refuses to start, naming both settings', async () => {
    const other = await certificateFor127();
    const otherKey = join(dir, 'other.key');
    writeFileSync(otherKey, other.key);
    await assert.rejects(
      startServer({
        ...DEFAULTS,
        port: 0,
        host: '127.0.0.1',
        databaseUrl: db.url,
        logLevel: 'silent',
        demo: false,
        tlsCert: certFile,
        tlsKey: otherKey,
      }),
      /tlsCert\/tlsKey \(S2S_TLS_CERT \/ --tls-cert, S2S_TLS_KEY \/ --tls-key\) cannot be used: .*key values mismatch/,
    );
  });

  test('s2s serve --tls-cert --tls-key (real process) listens on https', async () => {
    const db2 = await freshDatabase('sqlite');
    const p = await runServe(
      [
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--no-demo',
        '--db',
        db2.url,
        '--tls-cert',
        certFile,
        '--tls-key',
        keyFile,
      ],
      {
        env: { S2S_ADMIN_TOKEN: 'tls-admin-token-0123456789' },
      },
    );
    try {
      assert.match(p.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const r = await httpsGet(`${p.url}/readyz`, pem.cert);
      assert.equal(r.status, 200);
    } finally {
      assert.equal(await p.stop(), 0);
      await db2.drop();
    }
  });
});
