/**
 * The credential's signing key and certificate: read from PEM text or files,
 * once, and the JWS algorithm that fits the key (RFC 7518 §3.1).
 */
import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Credential } from './credential.ts';
import { CredentialConfigError } from './errors.ts';

export interface SigningKey {
  key: KeyObject;
  /** PKCS#8 PEM of the key (what XML signers want). */
  pem: string;
  alg: string;
  /** The certificate's PEM, when one is configured. */
  certificatePem?: string;
  /** `x5t#S256` of the certificate (RFC 7515 §4.1.8). */
  x5tS256?: string;
}

const EC_ALG: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

const ALGS_BY_TYPE: Record<string, readonly string[]> = {
  rsa: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'rsa-pss': ['PS256', 'PS384', 'PS512'],
  ed25519: ['EdDSA'],
};

async function readPem(c: Credential, field: 'privateKey' | 'certificate'): Promise<string | undefined> {
  const inline = c[field];
  if (inline !== undefined) return inline;
  const file = field === 'privateKey' ? c.privateKeyFile : c.certificateFile;
  if (file === undefined) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CredentialConfigError(c.name, `${field}File`, `cannot be read (${(err as Error).message})`, {
      cause: err,
    });
  }
}

/** Loads and checks the key (and certificate) of a credential. */
export async function loadSigningKey(c: Credential): Promise<SigningKey> {
  const pem = await readPem(c, 'privateKey');
  if (pem === undefined) throw new CredentialConfigError(c.name, 'privateKey', 'is required');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', passphrase: c.privateKeyPassphrase });
  } catch (err) {
    const field = c.privateKeyFile !== undefined ? 'privateKeyFile' : 'privateKey';
    throw new CredentialConfigError(
      c.name,
      field,
      `is not a usable PEM private key (${(err as Error).message})`,
      {
        cause: err,
      },
    );
  }
  const type = key.asymmetricKeyType ?? '';
  const allowed =
    type === 'ec' ? [EC_ALG[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? ''] : (ALGS_BY_TYPE[type] ?? []);
  if (allowed.length === 0 || allowed[0] === '') {
    throw new CredentialConfigError(c.name, 'privateKey', `has an unsupported key type (${type})`);
  }
  const alg = c.signingAlgorithm ?? allowed[0]!;
  if (!allowed.includes(alg)) {
    throw new CredentialConfigError(
      c.name,
      'signingAlgorithm',
      `${alg} does not fit a ${type} key (use ${allowed.join(', ')})`,
    );
  }
  const out: SigningKey = {
    key,
    alg,
    pem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
  const certPem = await readPem(c, 'certificate');
  if (certPem !== undefined) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certPem);
    } catch (err) {
      const field = c.certificateFile !== undefined ? 'certificateFile' : 'certificate';
      throw new CredentialConfigError(c.name, field, 'is not a PEM X.509 certificate', { cause: err });
    }
    if (!cert.checkPrivateKey(key)) {
      throw new CredentialConfigError(c.name, 'certificate', 'does not match the private key');
    }
    out.certificatePem = cert.toString();
    out.x5tS256 = createHash('sha256').update(cert.raw).digest('base64url');
  }
  return out;
}
