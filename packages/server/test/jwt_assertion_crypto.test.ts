/**
 * The pure verifier, algorithms, headers and signatures (RFC 7515 §4.1,
 * RFC 7518, RFC 8725 §3.1 and §3.10; security catalogue J1–J7, J16, J20, J24),
 * with a frozen clock: one row per attack or rule.
 */
import { X509Certificate } from 'node:crypto';
import { b64u, malleate, signJwt, swap } from './assertions.ts';
import { BODY, CLAIMS, type Row, runRows } from './jwt_assertion_rows.ts';

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
    name: 'ES256 signature of 64 zero bytes (psychic signature)',
    why: /signature does not verify/,
    make: (k) => ({ jwt: swap(signJwt(CLAIMS, k.ec256), 2, b64u(Buffer.alloc(64))), certs: [k.ec256] }),
  },
];

runRows('JWT assertion verifier: algorithms, headers, signatures', ROWS, [
  'attacker',
  'ec256',
  'ec384',
  'ec521',
]);
