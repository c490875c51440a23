/**
 * `--tls-cert/--tls-key`: the PEM files for serving HTTPS directly, read and checked at
 * start (a key that does not match the certificate refuses to start, naming both settings).
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from './errors.ts';
import type { ServerConfig } from './index.ts';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

function read(path: string, name: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${name} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

export function loadTls(c: Pick<ServerConfig, 'tlsCert' | 'tlsKey'>): TlsFiles | undefined {
  if (c.tlsCert === undefined || c.tlsKey === undefined) return undefined;
  const files = {
    cert: read(c.tlsCert, 'tlsCert (S2S_TLS_CERT / --tls-cert)'),
    key: read(c.tlsKey, 'tlsKey (S2S_TLS_KEY / --tls-key)'),
  };
  try {
    createSecureContext(files);
  } catch (err) {
    throw new ConfigError(
      `tlsCert/tlsKey (S2S_TLS_CERT / --tls-cert, S2S_TLS_KEY / --tls-key) cannot be used: ${(err as Error).message}`,
    );
  }
  return files;
}
