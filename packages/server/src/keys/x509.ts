/**
 * X.509 certificates registered for apps (the keys of the JWT and SAML bearer
 * grants), and self-signed key pairs for `s2s keys generate` and the demo app.
 * Parsing uses node's X509Certificate; generation uses @peculiar/x509.
 */
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { OAuthError } from '../oauth/errors.ts';

// node:crypto's webcrypto is the standard Crypto; the DOM type is not in our lib, hence the cast.
x509.cryptoProvider.set(webcrypto as never);

export interface ParsedCertificate {
  pem: string;
  /** SHA-256 of the DER encoding, lowercase hex (the `x5t#S256` value, hex-encoded). */
  thumbprint: string;
  subject: string;
  notBefore: number;
  notAfter: number;
  keyType: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Parses one PEM certificate; a 400 naming `field` when it is not one. */
export function parseCertificatePem(pem: string, field = 'certificate'): ParsedCertificate {
  const blocks = typeof pem === 'string' ? pem.match(PEM_BLOCK) : null;
  if (blocks?.length !== 1) {
    throw new OAuthError('invalid_request', 'expected exactly one PEM certificate', { field });
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(blocks[0]!);
  } catch {
    throw new OAuthError('invalid_request', 'certificate could not be parsed', { field });
  }
  const keyType = cert.publicKey.asymmetricKeyType ?? 'unknown';
  if (keyType !== 'rsa' && keyType !== 'ec' && keyType !== 'rsa-pss') {
    throw new OAuthError('invalid_request', `certificate key type ${keyType} is not supported (RSA or EC)`, {
      field,
    });
  }
  if (keyType === 'rsa' && (cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    // RFC 7518 §3.3: RSA keys of 2048 bits or more.
    throw new OAuthError('invalid_request', 'RSA keys must be at least 2048 bits', { field });
  }
  return {
    pem: cert.toString(),
    thumbprint: createHash('sha256').update(cert.raw).digest('hex'),
    subject: cert.subject.replace(/\n/g, ', '),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
    keyType,
  };
}

export interface GeneratedKeyPair {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  certificatePem: string;
}

/** A 2048-bit RSA key and a self-signed certificate, as `openssl req -x509 -newkey rsa:2048` makes. */
export async function generateSelfSigned(opts: { cn: string; days: number }): Promise<GeneratedKeyPair> {
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${opts.cn.replace(/[,=+<>#;\\"]/g, ' ')}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + opts.days * 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const b64 = pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return {
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`,
    certificatePem: cert.toString('pem') + '\n',
  };
}
