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

const KEY_KINDS: Record<keyof Keys, () => Promise<TestKey>> = {
  a: () => makeKey('rsa'),
  b: () => makeKey('rsa'),
  attacker: () => makeKey('rsa'),
  ec256: () => makeKey('ec256'),
  ec384: () => makeKey('ec384'),
  ec521: () => makeKey('ec521'),
  expired: () => makeKey('rsa', { notBefore: FROZEN_NOW - 86_400_000, notAfter: FROZEN_NOW - 1000 }),
  future: () => makeKey('rsa', { notBefore: FROZEN_NOW + 60_000, notAfter: FROZEN_NOW + 86_400_000 }),
};

/** Runs `rows` as one suite; only the keys in `needs` (plus `a`) are generated (RSA keys are slow to make). */
export function runRows(title: string, rows: Row[], needs: (keyof Keys)[]): void {
  describe(title, () => {
    const k = {} as Keys;
    before(async () => {
      const names = [...new Set<keyof Keys>(['a', ...needs])];
      const made = await Promise.all(names.map((n) => KEY_KINDS[n]()));
      names.forEach((n, i) => {
        k[n] = made[i] as TestKey;
      });
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
