/**
 * The pure verifier, certificate selection (RFC 7515 §4.1.4 and §4.1.8,
 * RFC 8725 §3.8): several registered certificates (rotation), `kid` and
 * `x5t#S256` hints, certificates outside their validity period.
 */
import { signJwt } from './assertions.ts';
import { CLAIMS, type Row, runRows, thumb, x5tS256 } from './jwt_assertion_rows.ts';

const ROWS: Row[] = [
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

runRows('JWT assertion verifier: certificates', ROWS, ['b', 'attacker', 'expired', 'future']);
