/**
 * The pure SAML verifier, one row per rule: encoding and size (RFC 7522 §2.1),
 * the hardened parse (XXE, DTD, PI, comments, duplicate IDs), the Assertion's
 * structure (SAML core §2.3.3). The signature rows are in saml_verifier_signature.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { makeKey } from './assertions.ts';
import { assertionXml, encode, NS_SAML, signByHand, signXmlCrypto, spec } from './saml_fixtures.ts';
import { edited, param, type Row, raw, runRow, type VerifierKeys, xml } from './saml_rows.ts';

const big = 'x'.repeat(33 * 1024);
const laughs =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
  ).join('') +
  ']><lolz>&lol9;</lolz>';

const ENCODING: Row[] = [
  { name: 'base64url without padding (RFC 7522 §2.1)', make: (k) => param(k) },
  {
    name: 'base64url with padding',
    make: (k) => {
      const p = param(k);
      return p + '='.repeat((4 - (p.length % 4)) % 4);
    },
  },
  { name: 'standard base64 (tolerated)', make: (k) => Buffer.from(xml(k)).toString('base64') },
  {
    name: 'line-wrapped base64',
    make: (k) => param(k).replace(/(.{76})/g, '$1\n'),
    error: /not base64url-encoded/,
  },
  {
    name: 'a length no base64 encoding has (4n + 1)',
    make: (k) => {
      let p = param(k);
      while (p.length % 4 !== 1) p += 'A';
      return p;
    },
    error: /not base64url/,
  },
  { name: 'larger than 32 KiB, refused before parsing', make: () => raw(`<a>${big}</a>`), error: /larger/ },
  {
    name: 'invalid UTF-8',
    make: () => Buffer.from([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]).toString('base64url'),
    error: /not UTF-8/,
  },
];

const PARSING: Row[] = [
  {
    name: 'an XML declaration in UTF-8',
    make: (k) => raw(`<?xml version="1.0" encoding="UTF-8"?>\n${xml(k)}`),
  },
  {
    name: 'an XML declaration naming another encoding',
    make: (k) => raw(`<?xml version="1.0" encoding="ISO-8859-1"?>${xml(k)}`),
    error: /unsupported XML declaration/,
  },
  { name: 'a harmless DOCTYPE', make: (k) => raw(`<!DOCTYPE Assertion>${xml(k)}`), error: /DTD/ },
  {
    name: 'XXE: an external entity in the NameID',
    make: (k) =>
      raw(
        `<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml(k).replace('alice@example.com', '&x;')}`,
      ),
    error: /DTD or entity/,
  },
  { name: 'billion laughs', make: () => raw(laughs), error: /DTD or entity/ },
  {
    name: 'a processing instruction',
    make: (k) => edited(k, (s) => s.replace('<saml:Subject>', '<?evil x?><saml:Subject>')),
    error: /processing instructions/,
  },
  {
    name: 'a comment (exc-c14n would hide it from the signature)',
    make: (k) => edited(k, (s) => s.replace('</saml:Subject>', '<!-- hi --></saml:Subject>')),
    error: /comments/,
  },
  {
    name: 'XML that is not well-formed',
    make: () => raw('<saml:Assertion><a></saml:Assertion>'),
    error: /well-formed/,
  },
  {
    name: 'a control character',
    make: (k) => edited(k, (s) => s.replace('alice', 'al\u0001ice')),
    error: /not allow/,
  },
  {
    name: 'an undeclared entity',
    make: (k) => edited(k, (s) => s.replace('alice', '&nbsp;alice')),
    error: /well-formed/,
  },
  {
    name: 'duplicate IDs (another element carries the Assertion ID)',
    make: (k) =>
      param(k, { id: '_dup', issuerXml: '<saml:Issuer ID="_dup">3MVG9test.client_id</saml:Issuer>' }),
    error: /duplicate IDs/,
  },
  {
    name: 'duplicate Id-type attributes on other elements',
    make: (k) =>
      param(k, {
        extraXml: '<saml:AuthnStatement Id="_z"></saml:AuthnStatement><saml:Advice id="_z"></saml:Advice>',
      }),
    error: /duplicate IDs/,
  },
  {
    name: 'nesting deeper than 32 elements',
    make: (k) => param(k, { extraXml: `${'<saml:Advice>'.repeat(40)}${'</saml:Advice>'.repeat(40)}` }),
    error: /nested deeper/,
  },
];

const STRUCTURE: Row[] = [
  {
    name: 'a SAML Response instead of a bare Assertion',
    make: (k) =>
      raw(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${xml(k)}</samlp:Response>`),
    error: /not a SAML Response/,
  },
  {
    name: 'a second Assertion inside Advice',
    make: (k) =>
      param(k, {
        extraXml: `<saml:Advice>${assertionXml(spec({ nameId: 'admin@example.com' }))}</saml:Advice>`,
      }),
    error: /more than one Assertion/,
  },
  {
    name: 'the SAML namespace as the default namespace (no prefix)',
    make: (k) =>
      encode(
        signXmlCrypto(
          assertionXml(spec())
            .replace(/<(\/?)saml:/g, '<$1')
            .replace('xmlns:saml=', 'xmlns='),
          k.a,
        ),
      ),
  },
  {
    name: 'an Assertion in the SAML 1.0 namespace',
    make: (k) =>
      encode(
        signXmlCrypto(assertionXml(spec()).replace(NS_SAML, 'urn:oasis:names:tc:SAML:1.0:assertion'), k.a),
      ),
    error: /must be a SAML 2.0 Assertion element/,
  },
  {
    name: 'an Issuer from another namespace (prefix confusion)',
    make: (k) => param(k, { issuerXml: '<saml:Issuer xmlns:saml="urn:x">3MVG9test.client_id</saml:Issuer>' }),
    error: /Issuer is missing/,
  },
  { name: 'Version 1.1', make: (k) => param(k, { version: '1.1' }), error: /Version must be 2.0/ },
  {
    name: 'no ID',
    make: (k) => raw(signByHand(assertionXml(spec()), k.a).replace(/ ID="[^"]+"/, '')),
    error: /ID is missing/,
  },
  { name: 'an ID that is not an xs:ID', make: (k) => param(k, { id: '1abc' }), error: /ID is malformed/ },
  {
    name: 'no Issuer',
    make: (k) => encode(signXmlCrypto(assertionXml(spec({ issuerXml: '' })), k.a, { location: 'append' })),
    error: /Issuer is missing/,
  },
  {
    name: 'Issuer not the first element',
    make: (k) =>
      edited(k, (s) => {
        const issuer = /<saml:Issuer>.*?<\/saml:Issuer>/.exec(s)![0];
        return s.replace(issuer, '').replace('</saml:Subject>', `</saml:Subject>${issuer}`);
      }),
    error: /Issuer is missing \(it must be the first/,
  },
  {
    name: 'Issuer with the entity Format',
    make: (k) =>
      param(k, {
        issuerXml: `<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">3MVG9test.client_id</saml:Issuer>`,
      }),
  },
  {
    name: 'Issuer with another Format',
    make: (k) =>
      param(k, {
        issuerXml: `<saml:Issuer Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">3MVG9test.client_id</saml:Issuer>`,
      }),
    error: /Issuer Format must be entity/,
  },
];

describe('SAML verifier: encoding, parsing, structure', () => {
  const k = {} as VerifierKeys;
  before(async () => {
    [k.a, k.other, k.ec] = await Promise.all([makeKey('rsa'), makeKey('rsa'), makeKey('ec256')]);
  });

  for (const [group, rows] of [
    ['encoding', ENCODING],
    ['parsing', PARSING],
    ['structure', STRUCTURE],
  ] as const) {
    for (const row of rows) {
      test(`${group}: ${row.error ? 'refuses' : 'accepts'} ${row.name}`, () => runRow(row, k));
    }
  }

  test('billion laughs is refused before any expansion, fast', () => {
    const start = process.hrtime.bigint();
    runRow({ name: 'laughs', make: () => raw(laughs), error: /DTD/ }, k);
    assert.ok(Number(process.hrtime.bigint() - start) / 1e6 < 50, 'refused within 50 ms');
  });
});
