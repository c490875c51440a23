/**
 * The pure verifier, claim rules (RFC 7523 §3 items 1–7), with a frozen clock:
 * one row per rule. The signature is always good here; jwt_assertion_crypto
 * covers headers, keys and signatures.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type JwtAssertionInput, verifyJwtAssertion } from '../src/oauth/assertions/jwt.ts';
import {
  CLIENT_ID,
  FROZEN_NOW,
  ISSUER,
  makeKey,
  rejectsWith,
  signJwt,
  type TestKey,
  TOKEN_URL,
} from './assertions.ts';

const NOW_S = FROZEN_NOW / 1000;
const GRANT_AUDIENCES = [ISSUER, `${ISSUER}/`, TOKEN_URL, 'https://login.salesforce.com'];

type Expect = 'ok' | { code: string; description?: string };
interface Row {
  name: string;
  claims: Record<string, unknown>;
  input?: Partial<JwtAssertionInput>;
  expect: Expect;
  /** Extra check on a success. */
  check?: (r: Awaited<ReturnType<typeof verifyJwtAssertion>>) => void;
}

const grant = (c: Record<string, unknown>) => ({
  iss: CLIENT_ID,
  sub: 'alice@example.com',
  aud: ISSUER,
  iat: NOW_S,
  exp: NOW_S + 120,
  ...c,
});
const without = (name: string, c: Record<string, unknown>) => {
  const out = { ...c };
  delete out[name];
  return out;
};

const INVALID = { code: 'invalid_grant', description: 'invalid assertion' };
const AUDIENCE = { code: 'invalid_grant', description: 'audience is invalid' };
const EXPIRED = { code: 'invalid_grant', description: 'expired authorization code' };
const LIFETIME = {
  code: 'invalid_grant',
  description: 'assertion lifetime exceeds 300 seconds (exp - iat, or exp - now)',
};

const GRANT_ROWS: Row[] = [
  { name: 'a well-formed assertion verifies', claims: grant({}), expect: 'ok' },
  { name: 'iss is another app', claims: grant({ iss: '3MVG9other' }), expect: INVALID },
  { name: 'iss differs in case only', claims: grant({ iss: CLIENT_ID.toUpperCase() }), expect: INVALID },
  { name: 'sub is missing', claims: without('sub', grant({})), expect: INVALID },
  { name: 'sub is empty', claims: grant({ sub: '' }), expect: INVALID },
  { name: 'sub is not a string', claims: grant({ sub: ['alice@example.com'] }), expect: INVALID },
  { name: 'aud is missing', claims: without('aud', grant({})), expect: AUDIENCE },
  { name: 'aud is another server', claims: grant({ aud: 'https://other.example.com' }), expect: AUDIENCE },
  { name: 'aud only starts with ours', claims: grant({ aud: `${ISSUER}.evil.net` }), expect: AUDIENCE },
  { name: 'aud differs in case', claims: grant({ aud: 'https://AS.example.com' }), expect: AUDIENCE },
  { name: 'aud is empty', claims: grant({ aud: '' }), expect: AUDIENCE },
  { name: 'aud is a number', claims: grant({ aud: 42 }), expect: AUDIENCE },
  { name: 'aud is the issuer with a slash', claims: grant({ aud: `${ISSUER}/` }), expect: 'ok' },
  { name: 'aud is the token endpoint', claims: grant({ aud: TOKEN_URL }), expect: 'ok' },
  { name: 'aud is a configured extra', claims: grant({ aud: 'https://login.salesforce.com' }), expect: 'ok' },
  { name: 'aud array with one accepted member', claims: grant({ aud: ['https://x', ISSUER] }), expect: 'ok' },
  { name: 'aud array without an accepted member', claims: grant({ aud: ['https://x'] }), expect: AUDIENCE },
  { name: 'aud array that is empty', claims: grant({ aud: [] }), expect: AUDIENCE },
  { name: 'aud array with a non-string', claims: grant({ aud: [ISSUER, 1] }), expect: AUDIENCE },
  { name: 'exp is missing', claims: without('exp', grant({})), expect: INVALID },
  { name: 'exp is a string', claims: grant({ exp: String(NOW_S + 60) }), expect: INVALID },
  { name: 'exp is true', claims: grant({ exp: true }), expect: INVALID },
  {
    name: 'exp 65 s ago (beyond the 60 s skew)',
    claims: grant({ iat: NOW_S - 100, exp: NOW_S - 65 }),
    expect: EXPIRED,
  },
  {
    name: 'exp 55 s ago (within the skew)',
    claims: grant({ iat: NOW_S - 100, exp: NOW_S - 55 }),
    expect: 'ok',
  },
  { name: 'exp negative', claims: without('iat', grant({ exp: -1 })), expect: EXPIRED },
  {
    name: 'a larger skew accepts exp 65 s ago',
    claims: grant({ iat: NOW_S - 100, exp: NOW_S - 65 }),
    input: { clockSkewSeconds: 120 },
    expect: 'ok',
  },
  {
    name: 'nbf 65 s ahead',
    claims: grant({ nbf: NOW_S + 65 }),
    expect: { code: 'invalid_grant', description: 'assertion is not yet valid (nbf)' },
  },
  { name: 'nbf 55 s ahead (within the skew)', claims: grant({ nbf: NOW_S + 55 }), expect: 'ok' },
  { name: 'nbf is a string', claims: grant({ nbf: 'soon' }), expect: INVALID },
  {
    name: 'iat 65 s ahead',
    claims: grant({ iat: NOW_S + 65, exp: NOW_S + 120 }),
    expect: { code: 'invalid_grant', description: 'assertion is issued in the future (iat)' },
  },
  {
    name: 'iat an hour old → lifetime cap',
    claims: grant({ iat: NOW_S - 3600, exp: NOW_S + 60 }),
    expect: LIFETIME,
  },
  { name: 'exp - iat exactly 300 s', claims: grant({ iat: NOW_S - 100, exp: NOW_S + 200 }), expect: 'ok' },
  { name: 'exp - iat 301 s', claims: grant({ iat: NOW_S - 100, exp: NOW_S + 201 }), expect: LIFETIME },
  {
    name: 'no iat: exp an hour ahead',
    claims: without('iat', grant({ exp: NOW_S + 3600 })),
    expect: LIFETIME,
  },
  { name: 'no iat: exp 300 s ahead', claims: without('iat', grant({ exp: NOW_S + 300 })), expect: 'ok' },
  {
    name: 'a per-app cap of 60 s',
    claims: grant({ exp: NOW_S + 120 }),
    input: { maxLifetimeSeconds: 60 },
    expect: {
      code: 'invalid_grant',
      description: 'assertion lifetime exceeds 60 seconds (exp - iat, or exp - now)',
    },
  },
  {
    name: 'exp in milliseconds, as the sf CLI signs it (Date.now() + 300)',
    claims: grant({ iat: NOW_S, exp: FROZEN_NOW + 300 }),
    expect: 'ok',
    check: (r) => assert.equal(r.claims.expiresAt, FROZEN_NOW + 300),
  },
  {
    name: 'exp in milliseconds an hour ahead → lifetime cap',
    claims: grant({ exp: FROZEN_NOW + 3600_000 }),
    expect: LIFETIME,
  },
  {
    name: 'exp in milliseconds, past',
    claims: grant({ iat: NOW_S - 200, exp: FROZEN_NOW - 120_000 }),
    expect: EXPIRED,
  },
  {
    name: 'exp in seconds ten years ahead',
    claims: grant({ exp: NOW_S + 10 * 365 * 86400 }),
    expect: LIFETIME,
  },
  { name: 'jti is a number', claims: grant({ jti: 7 }), expect: INVALID },
  { name: 'jti is empty', claims: grant({ jti: '' }), expect: INVALID },
  { name: 'a jti is optional for a grant', claims: grant({ jti: 'abc' }), expect: 'ok' },
];

const client = (c: Record<string, unknown>) => ({
  iss: CLIENT_ID,
  sub: CLIENT_ID,
  aud: ISSUER,
  jti: 'j-1',
  iat: NOW_S,
  exp: NOW_S + 60,
  ...c,
});
const CLIENT_INPUT: Partial<JwtAssertionInput> = {
  purpose: 'client',
  audiences: [ISSUER],
  audienceMode: 'sole',
};
const BAD_CLIENT = { code: 'invalid_client', description: 'client assertion is invalid' };
const BAD_CLIENT_AUD = {
  code: 'invalid_client',
  description: 'client assertion audience must be the issuer identifier',
};

const CLIENT_ROWS: Row[] = [
  { name: 'client: a well-formed client assertion', claims: client({}), expect: 'ok' },
  { name: 'client: jti is required', claims: without('jti', client({})), expect: BAD_CLIENT },
  { name: 'client: sub must equal iss', claims: client({ sub: 'alice@example.com' }), expect: BAD_CLIENT },
  { name: 'client: aud = token endpoint URL', claims: client({ aud: TOKEN_URL }), expect: BAD_CLIENT_AUD },
  {
    name: 'client: aud = issuer with a slash',
    claims: client({ aud: `${ISSUER}/` }),
    expect: BAD_CLIENT_AUD,
  },
  { name: 'client: aud = [issuer] (one member)', claims: client({ aud: [ISSUER] }), expect: 'ok' },
  {
    name: 'client: aud = [issuer, token endpoint]',
    claims: client({ aud: [ISSUER, TOKEN_URL] }),
    expect: BAD_CLIENT_AUD,
  },
  {
    name: 'client: token endpoint accepted when the app opts in',
    claims: client({ aud: TOKEN_URL }),
    input: { audiences: [ISSUER, TOKEN_URL] },
    expect: 'ok',
  },
  {
    name: 'client: expired',
    claims: client({ iat: NOW_S - 200, exp: NOW_S - 100 }),
    expect: { code: 'invalid_client', description: 'client assertion has expired' },
  },
];

describe('JWT assertion verifier: claims', () => {
  let key: TestKey;
  before(async () => {
    key = await makeKey('rsa');
  });

  for (const row of [...GRANT_ROWS, ...CLIENT_ROWS]) {
    test(row.name, async () => {
      const input: JwtAssertionInput = {
        purpose: 'grant',
        assertion: signJwt(row.claims, key),
        clientId: CLIENT_ID,
        certificates: [{ pem: key.certificatePem }],
        audiences: GRANT_AUDIENCES,
        audienceMode: 'any',
        maxLifetimeSeconds: 300,
        clockSkewSeconds: 60,
        now: FROZEN_NOW,
        ...(row.name.startsWith('client:') ? CLIENT_INPUT : {}),
        ...row.input,
      };
      if (row.expect === 'ok') {
        const r = await verifyJwtAssertion(input);
        assert.equal(r.claims.sub, row.claims.sub);
        assert.equal(r.expiresAt, r.claims.expiresAt + input.clockSkewSeconds * 1000);
        row.check?.(r);
      } else {
        await rejectsWith(verifyJwtAssertion(input), row.expect.code, row.expect.description);
      }
    });
  }
});
