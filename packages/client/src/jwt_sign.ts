/**
 * Signs the JWTs the client sends: grant assertions (RFC 7523 §2.1) and
 * private_key_jwt client assertions (RFC 7523 §2.2). Every JWT gets a fresh
 * `jti`, `iat` and `exp` (RFC 7523 §3, items 4, 5 and 7).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './keys.ts';

export interface JwtContent {
  iss: string;
  sub: string;
  aud: string;
  lifetimeSeconds: number;
  /** Epoch milliseconds. */
  now: number;
  extra?: Record<string, unknown>;
  kid?: string;
}

export async function signJwt(key: SigningKey, c: JwtContent): Promise<string> {
  const iat = Math.floor(c.now / 1000);
  const header: Record<string, string> = { alg: key.alg, typ: 'JWT' };
  if (c.kid !== undefined) header.kid = c.kid;
  // A thumbprint names the certificate the server holds (RFC 7515 §4.1.8); the key itself is never sent.
  if (key.x5tS256 !== undefined) header['x5t#S256'] = key.x5tS256;
  return new SignJWT({ ...(c.extra ?? {}) })
    .setProtectedHeader(header as { alg: string })
    .setIssuer(c.iss)
    .setSubject(c.sub)
    .setAudience(c.aud)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + c.lifetimeSeconds)
    .setJti(randomUUID())
    .sign(key.key);
}
