import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from './cli.ts';

describe('s2s keys generate', () => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('writes a PKCS#8 key (0600) and a matching self-signed certificate', async () => {
    const r = await runCli(['keys', 'generate', '--out', dir, '--cn', 'billing-sync', '--days', '30']);
    assert.equal(r.code, 0, r.stderr);
    const keyPem = readFileSync(join(dir, 'server.key'), 'utf8');
    const certPem = readFileSync(join(dir, 'server.crt'), 'utf8');
    assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(statSync(join(dir, 'server.key')).mode & 0o777, 0o600);
    const cert = new X509Certificate(certPem);
    assert.equal(cert.subject, 'CN=billing-sync');
    assert.equal(cert.issuer, cert.subject, 'self-signed');
    assert.ok(cert.verify(cert.publicKey), 'signed by its own key');
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    assert.ok(days > 29 && days <= 30.01, `valid ~30 days, got ${days}`);
    const key = createPrivateKey(keyPem);
    const sig = sign('sha256', Buffer.from('x'), key);
    assert.ok(
      verify('sha256', Buffer.from('x'), createPublicKey(certPem), sig),
      'key matches the certificate',
    );
    assert.match(r.stdout, /sha256 thumbprint: [0-9a-f]{64}/);
  });

  test('refuses to overwrite without --force', async () => {
    const r = await runCli(['keys', 'generate', '--out', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exists; pass --force/);
    const again = await runCli(['keys', 'generate', '--out', dir, '--force']);
    assert.equal(again.code, 0, again.stderr);
  });

  test('--days must be a positive whole number', async () => {
    const r = await runCli(['keys', 'generate', '--out', dir, '--days', '0']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /must be a whole number/);
  });
});
