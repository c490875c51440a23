/**
 * The pure verifier, cryptographic rules (RFC 7515, RFC 8725, security
 * catalogue §3 J1–J22), with a frozen clock: one row per attack or rule.
 * Every failure must be `invalid_grant` / `invalid assertion`.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { type JwtAssertionInput, verifyJwtAssertion } from '../src/oauth/assertions/jwt.ts';
import {
  b64u,
  CLIENT_ID,
  FROZEN_NOW,
  ISSUER,
  makeKey,
  malleate,
  rejectsWith,
  signature,
  signJwt,
  swap,
  type TestKey,
} from './assertions.ts';

const NOW_S = FROZEN_NOW / 1000;
const CLAIMS = { iss: CLIENT_ID, sub: 'alice@example.com', aud: ISSUER, iat: NOW_S, exp: NOW_S + 120 };
const BODY = JSON.stringify(CLAIMS);

interface Keys {
  a: TestKey;
  b: TestKey;
  ec256: TestKey;
  ec384: TestKey;
  ec521: TestKey;
  expired: TestKey;
  future: TestKey;
  attacker: TestKey;
}

interface Row {
  name: string;
  /** Builds the assertion; returns the certificates registered for the app too, when not just `a`. */
  make: (k: Keys) => string | { jwt: string; certs: TestKey[] };
  ok?: boolean;
  /** For a refusal: what the logged detail must say, so the row fails for its own reason. */
  why?: RegExp;
}

const x5tS256 = (k: TestKey) => new X509Certificate(k.certificatePem).fingerprint256.replace(/:/g, '');
const thumb = (k: TestKey) => b64u(Buffer.from(x5tS256(k), 'hex'));

const ROWS: Row[] = [
  { name: 'RS256 with a registered RSA certificate', make: (k) => signJwt(CLAIMS, k.a), ok: true },
  { name: 'RS384', make: (k) => signJwt(CLAIMS, k.a, { alg: 'RS384' }), ok: true },
  { name: 'RS512', make: (k) => signJwt(CLAIMS, k.a, { alg: 'RS512' }), ok: true },
  { name: 'PS256 with the same RSA key', make: (k) => signJwt(CLAIMS, k.a, { alg: 'PS256' }), ok: true },
  { name: 'PS512', make: (k) => signJwt(CLAIMS, k.a, { alg: 'PS512' }), ok: true },
  {
    name: 'ES256 with a P-256 certificate',
    make: (k) => ({ jwt: signJwt(CLAIMS, k.ec256), certs: [k.ec256] }),
    ok: true,
  },
  {
    name: 'ES384 with a P-384 certificate',
    make: (k) => ({ jwt: signJwt(CLAIMS, k.ec384), certs: [k.ec384] }),
    ok: true,
  },
  {
    name: 'ES512 with a P-521 certificate',
    make: (k) => ({ jwt: signJwt(CLAIMS, k.ec521), certs: [k.ec521] }),
    ok: true,
  },
  {
    name: 'ES256 signature re-formed as (r, n − s) still verifies (why the replay key ignores it)',
    make: (k) => ({ jwt: malleate(signJwt(CLAIMS, k.ec256)), certs: [k.ec256] }),
    ok: true,
  },
  { name: 'alg none', why: /empty signature/, make: () => signJwt(CLAIMS, null, { alg: 'none' }) },
  { name: 'alg None', why: /empty signature/, make: () => signJwt(CLAIMS, null, { alg: 'None' }) },
  {
    name: 'alg NONE with a signature segment',
    why: /alg is not allowed/,
    make: (k) =>
      swap(signJwt(CLAIMS, null, { alg: 'NONE' }), 2, signJwt(CLAIMS, k.a).split('.')[2] as string),
  },
  {
    name: 'no alg',
    why: /alg is not allowed/,
    make: (k) => signJwt(CLAIMS, k.a, { header: '{"typ":"JWT"}' }),
  },
  {
    name: 'HS256 keyed with the certificate PEM (algorithm confusion)',
    why: /alg is not allowed/,
    make: (k) => signJwt(CLAIMS, null, { alg: 'HS256', hmacSecret: k.a.certificatePem }),
  },
  {
    name: 'HS256 keyed with the SPKI public key PEM',
    why: /alg is not allowed/,
    make: (k) => {
      const spki = new X509Certificate(k.a.certificatePem).publicKey.export({ format: 'pem', type: 'spki' });
      return signJwt(CLAIMS, null, { alg: 'HS256', hmacSecret: spki as string });
    },
  },
  {
    name: 'ES256 header over an RSA certificate',
    why: /does not fit the key type/,
    make: (k) => signJwt(CLAIMS, k.ec256, { alg: 'ES256' }),
  },
  {
    name: 'RS256 header over an EC certificate',
    why: /does not fit the key type/,
    make: (k) => ({ jwt: signJwt(CLAIMS, k.a), certs: [k.ec256] }),
  },
  {
    name: 'ES384 header over a P-256 certificate',
    why: /does not fit the key type/,
    make: (k) => ({ jwt: signJwt(CLAIMS, k.ec384, { alg: 'ES384' }), certs: [k.ec256] }),
  },
  { name: 'EdDSA', why: /alg is not allowed/, make: (k) => signJwt(CLAIMS, k.a, { alg: 'EdDSA' }) },
  {
    name: 'embedded jwk of the attacker key',
    why: /parameter jwk /,
    make: (k) => {
      const jwk = new X509Certificate(k.attacker.certificatePem).publicKey.export({ format: 'jwk' });
      return signJwt(CLAIMS, k.attacker, { header: { jwk } });
    },
  },
  {
    name: 'jku header (even signed by a registered key)',
    why: /parameter jku /,
    make: (k) => signJwt(CLAIMS, k.a, { header: { jku: 'https://canary.invalid/jwks' } }),
  },
  {
    name: 'x5u header',
    why: /parameter x5u /,
    make: (k) => signJwt(CLAIMS, k.a, { header: { x5u: 'https://canary.invalid/cert' } }),
  },
  {
    name: 'x5c header carrying the attacker certificate',
    why: /parameter x5c /,
    make: (k) => {
      const der = new X509Certificate(k.attacker.certificatePem).raw.toString('base64');
      return signJwt(CLAIMS, k.attacker, { header: { x5c: [der] } });
    },
  },
  {
    name: 'crit with an unknown extension',
    why: /crit/,
    make: (k) => signJwt(CLAIMS, k.a, { header: { crit: ['urn:x'], 'urn:x': 1 } }),
  },
  { name: 'crit empty', why: /crit/, make: (k) => signJwt(CLAIMS, k.a, { header: { crit: [] } }) },
  {
    name: 'b64 false',
    why: /crit/,
    make: (k) => signJwt(CLAIMS, k.a, { header: { b64: false, crit: ['b64'] } }),
  },
  { name: 'cty JWT (nested)', why: /cty/, make: (k) => signJwt(CLAIMS, k.a, { header: { cty: 'JWT' } }) },
  {
    name: 'typ at+jwt (an access token)',
    why: /typ/,
    make: (k) => signJwt(CLAIMS, k.a, { header: { typ: 'at+jwt' } }),
  },
  {
    name: 'typ client-authentication+jwt as a grant',
    why: /typ/,
    make: (k) => signJwt(CLAIMS, k.a, { header: { typ: 'client-authentication+jwt' } }),
  },
  {
    name: 'typ application/jwt is fine',
    make: (k) => signJwt(CLAIMS, k.a, { header: { typ: 'application/JWT' } }),
    ok: true,
  },
  { name: 'no typ is fine', make: (k) => signJwt(CLAIMS, k.a, { header: '{"alg":"RS256"}' }), ok: true },
  {
    name: 'signed by a key that is not registered',
    why: /signature does not verify/,
    make: (k) => signJwt(CLAIMS, k.attacker),
  },
  {
    name: 'one payload bit flipped',
    why: /signature does not verify/,
    make: (k) => {
      const j = signJwt(CLAIMS, k.a);
      return swap(j, 1, b64u(BODY.replace('alice', 'alicf')));
    },
  },
  {
    name: 'signature stripped (h.p.)',
    why: /empty signature/,
    make: (k) => `${signJwt(CLAIMS, k.a).split('.').slice(0, 2).join('.')}.`,
  },
  {
    name: 'two segments',
    why: /2 segments/,
    make: (k) => signJwt(CLAIMS, k.a).split('.').slice(0, 2).join('.'),
  },
  { name: 'four segments', why: /4 segments/, make: (k) => `${signJwt(CLAIMS, k.a)}.x` },
  {
    name: 'ES256 signature of 64 zero bytes (psychic signature)',
    why: /signature does not verify/,
    make: (k) => ({ jwt: swap(signJwt(CLAIMS, k.ec256), 2, b64u(Buffer.alloc(64))), certs: [k.ec256] }),
  },
  {
    name: 'padding in the signature',
    why: /canonical/,
    make: (k) => {
      const j = signJwt(CLAIMS, k.a);
      return `${j}${'='.repeat((4 - ((j.split('.')[2] as string).length % 4)) % 4 || 1)}`;
    },
  },
  {
    name: 'non-canonical final character in the signature',
    why: /canonical/,
    make: (k) => nonCanonical(signJwt(CLAIMS, k.a), 2),
  },
  { name: 'non-canonical payload, signed over as sent', why: /canonical/, make: (k) => resigned(k.a, 1) },
  { name: 'non-canonical header, signed over as sent', why: /canonical/, make: (k) => resigned(k.a, 0) },
  {
    name: 'standard base64 alphabet',
    why: /canonical/,
    make: (k) =>
      signJwt(CLAIMS, k.a, { header: { pad: '>>>???' } })
        .replace(/-/g, '+')
        .replace(/_/g, '/'),
  },
  {
    name: 'duplicate sub in the payload',
    why: /unique member names/,
    make: (k) =>
      signJwt(
        `{"iss":"${CLIENT_ID}","sub":"alice@example.com","aud":"${ISSUER}","exp":${NOW_S + 60},"sub":"admin"}`,
        k.a,
      ),
  },
  {
    name: 'duplicate sub hidden by escaping',
    why: /unique member names/,
    make: (k) =>
      signJwt(
        `{"iss":"${CLIENT_ID}","sub":"alice@example.com","aud":"${ISSUER}","exp":${NOW_S + 60},"s\\u0075b":"admin"}`,
        k.a,
      ),
  },
  {
    name: 'duplicate alg in the header',
    why: /unique member names/,
    make: (k) => signJwt(CLAIMS, k.a, { header: '{"alg":"RS256","alg":"RS256"}' }),
  },
  { name: 'payload is a JSON array', why: /JSON object/, make: (k) => signJwt('[1,2]', k.a) },
  { name: 'payload with a BOM', why: /JSON object/, make: (k) => signJwt(`\ufeff${BODY}`, k.a) },
  {
    name: 'payload not UTF-8',
    why: /UTF-8/,
    make: (k) => {
      const j = signJwt(CLAIMS, k.a);
      const bad = Buffer.concat([Buffer.from(BODY.slice(0, -1)), Buffer.from([0xff, 0x7d])]);
      const input = `${j.split('.')[0]}.${bad.toString('base64url')}`;
      return `${input}.${signature(input, 'RS256', k.a)}`;
    },
  },
  {
    name: 'an assertion over 16 KiB',
    why: /too long/,
    make: (k) => signJwt({ ...CLAIMS, pad: 'x'.repeat(17000) }, k.a),
  },
  {
    name: 'certificate expired',
    why: /certificate expired or not yet valid/,
    make: (k) => ({ jwt: signJwt(CLAIMS, k.expired), certs: [k.expired] }),
  },
  {
    name: 'certificate not yet valid',
    why: /certificate expired or not yet valid/,
    make: (k) => ({ jwt: signJwt(CLAIMS, k.future), certs: [k.future] }),
  },
  {
    name: 'two certificates, no kid: the second one verifies (rotation)',
    make: (k) => ({ jwt: signJwt(CLAIMS, k.b), certs: [k.a, k.b] }),
    ok: true,
  },
  {
    name: 'kid = x5t#S256 of the signing certificate',
    make: (k) => ({ jwt: signJwt(CLAIMS, k.b, { header: { kid: thumb(k.b) } }), certs: [k.a, k.b] }),
    ok: true,
  },
  {
    name: 'kid = hex SHA-256 thumbprint',
    make: (k) => ({ jwt: signJwt(CLAIMS, k.b, { header: { kid: x5tS256(k.b) } }), certs: [k.a, k.b] }),
    ok: true,
  },
  {
    name: 'kid names the other registered certificate',
    why: /signature does not verify/,
    make: (k) => ({ jwt: signJwt(CLAIMS, k.b, { header: { kid: thumb(k.a) } }), certs: [k.a, k.b] }),
  },
  {
    name: 'unknown kid is only a hint: every key is tried',
    make: (k) => ({ jwt: signJwt(CLAIMS, k.b, { header: { kid: '../../dev/null' } }), certs: [k.a, k.b] }),
    ok: true,
  },
  {
    name: 'x5t#S256 of the signing certificate',
    make: (k) => ({ jwt: signJwt(CLAIMS, k.b, { header: { 'x5t#S256': thumb(k.b) } }), certs: [k.a, k.b] }),
    ok: true,
  },
  {
    name: 'x5t#S256 naming no registered certificate',
    why: /x5t#S256 names no/,
    make: (k) => ({
      jwt: signJwt(CLAIMS, k.b, { header: { 'x5t#S256': thumb(k.attacker) } }),
      certs: [k.a, k.b],
    }),
  },
  {
    name: 'expired certificate next to a valid one is skipped',
    why: /signature does not verify/,
    make: (k) => ({ jwt: signJwt(CLAIMS, k.expired), certs: [k.expired, k.a] }),
  },
];

/** Makes the final character of a segment non-canonical (same bytes, non-zero padding bits). */
function nonCanonical(jwt: string, i: number): string {
  const seg = jwt.split('.')[i] as string;
  assert.notEqual(seg.length % 4, 0, 'segment must have padding bits to abuse');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(seg.at(-1) as string);
  return swap(jwt, i, seg.slice(0, -1) + alphabet[last + 1]);
}

/**
 * A JWS whose header (0) or payload (1) segment is spelled non-canonically and
 * then correctly signed as spelled: only the canonical-encoding rule refuses it.
 */
function resigned(key: TestKey, i: 0 | 1): string {
  for (let n = 0; ; n++) {
    const header = b64u(JSON.stringify({ alg: 'RS256', x: 'a'.repeat(i === 0 ? n : 0) }));
    const payload = b64u(JSON.stringify({ ...CLAIMS, x: 'a'.repeat(i === 1 ? n : 0) }));
    if ([header, payload][i]!.length % 4 === 0) continue;
    const segs = nonCanonical(`${header}.${payload}.x`, i).split('.');
    const input = `${segs[0]}.${segs[1]}`;
    return `${input}.${signature(input, 'RS256', key)}`;
  }
}

describe('JWT assertion verifier: headers, keys and signatures', () => {
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

  for (const row of ROWS) {
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
