/**
 * The verifier's small parts: canonical base64url, strict JSON, replay keys,
 * additional claims (ext) and key selection.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeCanonical } from '../src/oauth/assertions/base64url.ts';
import { peekIssuer } from '../src/oauth/assertions/compact.ts';
import { EXT_MAX_BYTES, EXT_MAX_CLAIMS, extraClaims } from '../src/oauth/assertions/ext.ts';
import { verifyJwtAssertion } from '../src/oauth/assertions/jwt.ts';
import { replayKey } from '../src/oauth/assertions/replay.ts';
import { parseJsonObject } from '../src/oauth/assertions/strict_json.ts';
import { OAuthError } from '../src/oauth/errors.ts';
import {
  b64u,
  CLIENT_ID,
  FROZEN_NOW,
  ISSUER,
  makeKey,
  malleate,
  signJwt,
  type TestKey,
} from './assertions.ts';

describe('canonical base64url (RFC 7515 §2)', () => {
  const rows: [string, string | null][] = [
    ['', ''],
    ['YQ', '61'],
    ['YWI', '6162'],
    ['YWJj', '616263'],
    ['YR', null], // same byte as YQ, non-zero padding bits
    ['YWJ', null],
    ['YQ==', null], // padding
    ['Y', null], // impossible length
    ['Y Q', null],
    ['+/', null], // standard alphabet
    ['-_8', 'fbff'],
  ];
  for (const [input, hex] of rows) {
    test(`${JSON.stringify(input)} → ${hex ?? 'refused'}`, () => {
      const out = decodeCanonical(input);
      assert.equal(out === null ? null : out.toString('hex'), hex);
    });
  }
});

describe('strict JSON objects (RFC 7519 §4, RFC 7515 §4)', () => {
  const rows: [string, boolean][] = [
    ['{"a":1,"b":{"a":2}}', true], // the same name in different objects is fine
    ['{"a":[{"b":1},{"b":2}],"c":"a"}', true],
    ['{"a":"x\\"a\\":1"}', true], // a quoted name inside a string value
    ['{"a":1,"a":1}', false],
    ['{"a":1,"\\u0061":2}', false],
    ['{"o":{"x":1,"x":2}}', false],
    ['{"l":[{"x":1,"x":2}]}', false],
    ['[]', false],
    ['"s"', false],
    ['null', false],
    ['{"a":1} x', false],
  ];
  for (const [text, ok] of rows) {
    test(`${text} → ${ok ? 'accepted' : 'refused'}`, () => {
      assert.equal(parseJsonObject(Buffer.from(text)) !== null, ok);
    });
  }
});

describe('replay keys', () => {
  test('(iss, jti) pairs that would collide with a naive delimiter do not', () => {
    assert.notEqual(
      replayKey('jwt-bearer', 'a\u0000b', 'c', 'x'),
      replayKey('jwt-bearer', 'a', 'b\u0000c', 'x'),
    );
    assert.notEqual(replayKey('jwt-bearer', 'a:b', 'c', 'x'), replayKey('jwt-bearer', 'a', 'b:c', 'x'));
  });
  test('the jti, not the signing input, decides when there is a jti', () => {
    assert.equal(replayKey('jwt-bearer', 'i', 'j', 'x.y'), replayKey('jwt-bearer', 'i', 'j', 'z.w'));
    assert.notEqual(replayKey('jwt-bearer', 'i', 'j', 'x'), replayKey('jwt-bearer', 'i', 'k', 'x'));
  });
  test('grants and client assertions live in separate namespaces', () => {
    assert.notEqual(replayKey('jwt-bearer', 'i', 'j', 'x'), replayKey('private-key-jwt', 'i', 'j', 'x'));
  });

  let ec: TestKey;
  before(async () => {
    ec = await makeKey('ec256');
  });
  test('without a jti, an ECDSA signature re-formed as (r, n − s) has the same replay key', async () => {
    const s = FROZEN_NOW / 1000;
    const jwt = signJwt({ iss: CLIENT_ID, sub: 'u', aud: ISSUER, iat: s, exp: s + 60 }, ec);
    const input = {
      purpose: 'grant' as const,
      clientId: CLIENT_ID,
      certificates: [{ pem: ec.certificatePem }],
      audiences: [ISSUER],
      audienceMode: 'any' as const,
      maxLifetimeSeconds: 300,
      clockSkewSeconds: 60,
      now: FROZEN_NOW,
    };
    const a = await verifyJwtAssertion({ ...input, assertion: jwt });
    const twin = malleate(jwt);
    assert.notEqual(twin, jwt);
    const b = await verifyJwtAssertion({ ...input, assertion: twin });
    assert.equal(a.replayKey, b.replayKey);
  });
});

describe('additional claims (ext)', () => {
  const base = { iss: 'i', sub: 's', aud: 'a', exp: 1, nbf: 1, iat: 1, jti: 'j' };
  test('registered claims are not copied; none left is null', () => {
    assert.equal(extraClaims(base), null);
    assert.deepEqual(extraClaims({ ...base, tenant: 'acme', roles: ['a'] }), {
      tenant: 'acme',
      roles: ['a'],
    });
  });
  test(`${EXT_MAX_CLAIMS} claims are fine, one more is invalid_grant`, () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, i]));
    assert.equal(Object.keys(extraClaims({ ...base, ...many(EXT_MAX_CLAIMS) }) ?? {}).length, EXT_MAX_CLAIMS);
    assert.throws(
      () => extraClaims({ ...base, ...many(EXT_MAX_CLAIMS + 1) }),
      (e: unknown) =>
        e instanceof OAuthError && e.code === 'invalid_grant' && /more than 20/.test(e.description),
    );
  });
  test(`more than ${EXT_MAX_BYTES} bytes of JSON is invalid_grant`, () => {
    assert.ok(extraClaims({ ...base, big: 'x'.repeat(EXT_MAX_BYTES - 20) }));
    assert.throws(
      () => extraClaims({ ...base, big: 'é'.repeat(EXT_MAX_BYTES / 2) }),
      (e: unknown) =>
        e instanceof OAuthError && e.code === 'invalid_grant' && /4096 bytes/.test(e.description),
    );
  });
  test('a claim named __proto__ stays plain data', () => {
    const payload = JSON.parse('{"__proto__":{"polluted":true},"x":1}') as Record<string, unknown>;
    const ext = extraClaims(payload) as Record<string, unknown>;
    assert.deepEqual(Object.keys(ext).sort(), ['__proto__', 'x']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('peekIssuer', () => {
  test('reads a string iss of a well-formed JWS only', () => {
    const jwt = (p: unknown) => `${b64u('{"alg":"RS256"}')}.${b64u(JSON.stringify(p))}.c2ln`;
    assert.equal(peekIssuer(jwt({ iss: 'abc' })), 'abc');
    assert.equal(peekIssuer(jwt({ iss: 1 })), undefined);
    assert.equal(peekIssuer(jwt({ iss: '' })), undefined);
    assert.equal(peekIssuer(jwt({})), undefined);
    assert.equal(peekIssuer('not a jwt'), undefined);
  });
});
