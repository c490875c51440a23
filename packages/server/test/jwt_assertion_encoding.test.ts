/**
 * The pure verifier, encoding (RFC 7515 §2 and §7.1, RFC 7519 §4 and §7.2;
 * security catalogue J16–J18, J22): exactly three canonical base64url
 * segments, UTF-8 JSON objects with unique member names, a size cap.
 */
import assert from 'node:assert/strict';
import { b64u, CLIENT_ID, ISSUER, signature, signJwt, swap, type TestKey } from './assertions.ts';
import { BODY, CLAIMS, NOW_S, type Row, runRows } from './jwt_assertion_rows.ts';

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

const ROWS: Row[] = [
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
];

runRows('JWT assertion verifier: encoding', ROWS, []);
