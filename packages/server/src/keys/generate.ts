/** A new server signing key pair (ES256: P-256; RS256: RSA-2048), as the store keeps it. */
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { SigningKey } from '../domain/types.ts';

export function generateSigningKey(alg: SigningKey['alg'], now: number): SigningKey {
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, unknown>;
  return {
    kid: randomUUID(),
    alg,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk,
    createdAt: now,
    retiredAt: null,
  };
}
