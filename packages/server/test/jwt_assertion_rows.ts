/**
 * Shared by the jwt_assertion_{crypto,encoding,keys} tests: the keys, the
 * standard claims and a runner for rows of one assertion each, verified as a
 * grant with a frozen clock. A refusal must be `invalid_grant` /
 * `invalid assertion`, for the reason its row names (the logged detail).
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { type JwtAssertionInput, verifyJwtAssertion } from '../src/oauth/assertions/jwt.ts';
import { b64u, CLIENT_ID, FROZEN_NOW, ISSUER, makeKey, rejectsWith, type TestKey } from './assertions.ts';

export const NOW_S = FROZEN_NOW / 1000;
export const CLAIMS = { iss: CLIENT_ID, sub: 'alice@example.com', aud: ISSUER, iat: NOW_S, exp: NOW_S + 120 };
export const BODY = JSON.stringify(CLAIMS);

export interface Keys {
  a: TestKey;
  b: TestKey;
  ec256: TestKey;
  ec384: TestKey;
  ec521: TestKey;
  expired: TestKey;
  future: TestKey;
  attacker: TestKey;
}

export interface Row {
  name: string;
  /** Builds the assertion; returns the certificates registered for the app too, when not just `a`. */
  make: (k: Keys) => string | { jwt: string; certs: TestKey[] };
  ok?: boolean;
  /** For a refusal: what the logged detail must say, so the row fails for its own reason. */
  why?: RegExp;
}

/** Hex SHA-256 thumbprint of a certificate. */
export const x5tS256 = (k: TestKey) => new X509Certificate(k.certificatePem).fingerprint256.replace(/:/g, '');
/** Its base64url form, the `x5t#S256` header value. */
export const thumb = (k: TestKey) => b64u(Buffer.from(x5tS256(k), 'hex'));

export function runRows(title: string, rows: Row[]): void {
  describe(title, () => {
    const k = {} as Keys;
    before(async () => {
      [k.a, k.b, k.ec256, k.ec384, k.ec521, k.attacker] = await Promise.all([
        makeKey('rsa'),
        makeKey('rsa'),
        makeKey('ec256'),
        makeKey('ec384'),
        makeKey('ec521'),
        makeKey('rsa'),
      ]);
      k.expired = await makeKey('rsa', { notBefore: FROZEN_NOW - 86_400_000, notAfter: FROZEN_NOW - 1000 });
      k.future = await makeKey('rsa', { notBefore: FROZEN_NOW + 60_000, notAfter: FROZEN_NOW + 86_400_000 });
    });

    for (const row of rows) {
      test(`${row.ok ? 'accepts' : 'refuses'}: ${row.name}`, async () => {
        const made = row.make(k);
        const { jwt, certs } = typeof made === 'string' ? { jwt: made, certs: [k.a] } : made;
        const input: JwtAssertionInput = {
          purpose: 'grant',
          assertion: jwt,
          clientId: CLIENT_ID,
          certificates: certs.map((c) => ({ pem: c.certificatePem })),
          audiences: [ISSUER],
          audienceMode: 'any',
          maxLifetimeSeconds: 300,
          clockSkewSeconds: 60,
          now: FROZEN_NOW,
        };
        if (row.ok) assert.equal((await verifyJwtAssertion(input)).claims.sub, 'alice@example.com');
        else await rejectsWith(verifyJwtAssertion(input), 'invalid_grant', 'invalid assertion', row.why);
      });
    }
  });
}
