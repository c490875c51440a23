/**
 * `s2s keys generate`: a PKCS#8 private key and a self-signed X.509 certificate (PEM).
 * `s2s keys list|rotate`: the server's signing keys through the admin API (keys_rotate.ts).
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { registerSigningKeyCommands } from './keys_rotate.ts';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 36500)
    throw new InvalidArgumentError('must be a whole number from 1 to 36500');
  return n;
}

export function keysCommand(): Command {
  const keys = new Command('keys').description('key pairs and certificates');
  keys
    .command('generate')
    .description('write server.key (PKCS#8) and server.crt (self-signed X.509), as `openssl req -x509` would')
    .requiredOption('--out <dir>', 'directory to write server.key and server.crt into')
    .option('--cn <name>', 'certificate subject common name', 's2s-oauth client')
    .option('--days <n>', 'validity in days', positiveInt, 365)
    .option('--force', 'overwrite existing files')
    .action(async (opts: { out: string; cn: string; days: number; force?: boolean }) => {
      const dir = resolve(opts.out);
      const keyPath = join(dir, 'server.key');
      const certPath = join(dir, 'server.crt');
      if (!opts.force && (existsSync(keyPath) || existsSync(certPath))) {
        throw new Error(`${keyPath} or ${certPath} exists; pass --force to overwrite`);
      }
      mkdirSync(dir, { recursive: true });
      // Loaded here: `s2s keys list|rotate` only talk HTTP and need not load the server package.
      const { generateSelfSigned, parseCertificatePem } = await import('@s2s-oauth/server');
      const pair = await generateSelfSigned({ cn: opts.cn, days: opts.days });
      writeFileSync(keyPath, pair.privateKeyPem, { mode: 0o600 });
      chmodSync(keyPath, 0o600);
      writeFileSync(certPath, pair.certificatePem);
      const cert = parseCertificatePem(pair.certificatePem);
      process.stdout.write(
        `${keyPath}\n${certPath}\nsubject: ${cert.subject}\nsha256 thumbprint: ${cert.thumbprint}\n` +
          `valid until: ${new Date(cert.notAfter).toISOString()}\n`,
      );
    });
  registerSigningKeyCommands(keys);
  return keys;
}
