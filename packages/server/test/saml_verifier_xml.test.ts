/**
 * The pure SAML verifier, one row per rule: encoding and size (RFC 7522 §2.1),
 * the hardened parse (XXE, DTD, PI, comments, duplicate IDs), the Assertion's
 * structure (SAML core §2.3.3) and the signature (XMLDSig; security catalogue §4.2 S1, S2, S9–S11).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readSignedAssertion } from '../src/oauth/saml/assertion.ts';
import { NS } from '../src/oauth/saml/constants.ts';
import { parseXml } from '../src/oauth/saml/parse.ts';
import { verifySignature } from '../src/oauth/saml/signature.ts';
import { FROZEN_NOW, ISSUER, makeKey, TOKEN_URL } from './assertions.ts';
import {
  ALG,
  assertionXml,
  C14N,
  C14N_INCLUSIVE,
  ENVELOPED,
  encode,
  NS_DS,
  NS_SAML,
  type Spec,
  signByHand,
  signXmlCrypto,
  spec,
} from './saml_fixtures.ts';
import { type Row, runRow, type VerifierKeys } from './saml_rows.ts';
import { xswAttacks } from './saml_xsw.ts';

type K = VerifierKeys;
/** A valid assertion (with `o` applied), signed by key a with xml-crypto. */
const xml = (k: K, o: Partial<Spec> = {}) => signXmlCrypto(assertionXml(spec(o)), k.a);
const param = (k: K, o: Partial<Spec> = {}) => encode(xml(k, o));
/** Signs, then edits the signed text (what an attacker holding a signed assertion can do). */
const edited = (k: K, edit: (signed: string) => string, o: Partial<Spec> = {}) => encode(edit(xml(k, o)));
/** Any text as the parameter. */
const raw = (text: string) => encode(text);

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

const dsSwap = (from: RegExp, to: string) => (s: string) => s.replace(from, to);
const transformsOf = (...algs: string[]) =>
  dsSwap(
    /<ds:Transforms>.*<\/ds:Transforms>/,
    `<ds:Transforms>${algs.map((a) => `<ds:Transform Algorithm="${a}"/>`).join('')}</ds:Transforms>`,
  );

const SIGNATURE: Row[] = [
  { name: 'unsigned (signature removed)', make: () => raw(assertionXml(spec())), error: /not signed/ },
  {
    name: 're-signed with an attacker key, its certificate in KeyInfo (CVE-2024-32962)',
    make: (k) =>
      encode(signXmlCrypto(assertionXml(spec()), k.other, { keyInfoCert: k.other.certificatePem })),
    error: /does not verify with a certificate registered/,
  },
  {
    name: 'KeyInfo naming another certificate is ignored',
    make: (k) => encode(signXmlCrypto(assertionXml(spec()), k.a, { keyInfoCert: k.other.certificatePem })),
  },
  {
    name: 'no certificate registered',
    make: (k) => param(k),
    opts: () => ({ certificates: [] }),
    error: /no certificate/,
  },
  {
    name: 'each registered certificate is tried in turn',
    make: (k) => param(k),
    opts: (k) => ({ certificates: [k.other.certificatePem, k.a.certificatePem] }),
  },
  {
    name: 'an EC certificate cannot verify an RSA signature',
    make: (k) => param(k),
    opts: (k) => ({ certificates: [k.ec.certificatePem] }),
    error: /does not verify/,
  },
  {
    name: 'RSA-SHA1 by default',
    make: (k) => encode(signXmlCrypto(assertionXml(spec()), k.a, { signatureAlgorithm: ALG.rsaSha1 })),
    error: /signature algorithm .*rsa-sha1 is not allowed/,
  },
  {
    name: 'RSA-SHA1 with SHA-1 digest when the app allows SHA-1',
    make: (k) =>
      encode(
        signXmlCrypto(assertionXml(spec()), k.a, {
          signatureAlgorithm: ALG.rsaSha1,
          digestAlgorithm: ALG.sha1,
        }),
      ),
    opts: () => ({ allowSha1: true }),
  },
  {
    name: 'a SHA-1 digest by default',
    make: (k) => encode(signXmlCrypto(assertionXml(spec()), k.a, { digestAlgorithm: ALG.sha1 })),
    error: /digest algorithm .*sha1 is not allowed/,
  },
  {
    name: 'RSA-SHA384 over SHA-384',
    make: (k) =>
      encode(
        signXmlCrypto(assertionXml(spec()), k.a, {
          signatureAlgorithm: ALG.rsaSha384,
          digestAlgorithm: ALG.sha384,
        }),
      ),
  },
  {
    name: 'RSA-SHA512 over SHA-512 (signed by hand, no xml-crypto)',
    make: (k) =>
      encode(
        signByHand(assertionXml(spec()), k.a, {
          signatureAlgorithm: ALG.rsaSha512,
          digestAlgorithm: ALG.sha512,
        }),
      ),
  },
  {
    name: 'RSA-SHA256 signed by hand (no xml-crypto)',
    make: (k) => encode(signByHand(assertionXml(spec()), k.a)),
  },
  {
    name: 'inclusive C14N for SignedInfo',
    make: (k) => encode(signXmlCrypto(assertionXml(spec()), k.a, { canonicalization: C14N_INCLUSIVE })),
    error: /canonicalization algorithm .* is not allowed/,
  },
  {
    name: 'enveloped-signature as the only transform',
    make: (k) => encode(signXmlCrypto(assertionXml(spec()), k.a, { transforms: [ENVELOPED] })),
    error: /transforms must be/,
  },
  {
    name: 'an XSLT transform',
    make: (k) => edited(k, transformsOf(ENVELOPED, 'http://www.w3.org/TR/1999/REC-xslt-19991116')),
    error: /transforms must be/,
  },
  {
    name: 'an XPath filter transform',
    make: (k) => edited(k, transformsOf(ENVELOPED, 'http://www.w3.org/TR/1999/REC-xpath-19991116', C14N)),
    error: /transforms must be/,
  },
  {
    name: 'a whole-document reference (URI="")',
    make: (k) => edited(k, dsSwap(/URI="#[^"]+"/, 'URI=""')),
    error: /reference the Assertion by its ID/,
  },
  {
    name: 'an external reference',
    make: (k) => edited(k, dsSwap(/URI="#[^"]+"/, 'URI="http://127.0.0.1:9/x"')),
    error: /reference the Assertion by its ID/,
  },
  {
    name: 'a reference to another element (the Subject)',
    make: (k) =>
      encode(signXmlCrypto(assertionXml(spec()), k.a, { referenceXpath: "//*[local-name(.)='Subject']" })),
    error: /reference the Assertion by its ID/,
  },
  {
    name: 'two References',
    make: (k) => edited(k, (s) => s.replace(/(<ds:Reference .*<\/ds:Reference>)/, '$1$1')),
    error: /SignedInfo must hold one/,
  },
  {
    name: 'two SignedInfo elements (CVE-2025-29774)',
    make: (k) => edited(k, (s) => s.replace(/(<ds:SignedInfo>.*<\/ds:SignedInfo>)/, '$1$1')),
    error: /signature has unexpected content/,
  },
  {
    name: 'a ds:Object inside the Signature',
    make: (k) => edited(k, (s) => s.replace('</ds:Signature>', '<ds:Object>x</ds:Object></ds:Signature>')),
    error: /signature has unexpected content/,
  },
  {
    name: 'the Signature inside the Subject',
    make: (k) =>
      edited(k, (s) => {
        const sig = /<ds:Signature .*<\/ds:Signature>/.exec(s)![0];
        return s.replace(sig, '').replace('</saml:Subject>', `${sig}</saml:Subject>`);
      }),
    error: /direct child of the Assertion/,
  },
  {
    name: 'two Signatures',
    make: (k) => edited(k, (s) => s.replace(/(<ds:Signature .*<\/ds:Signature>)/, '$1$1')),
    error: /exactly one signature/,
  },
  {
    name: 'an HMAC SignatureMethod',
    make: (k) => edited(k, dsSwap(/rsa-sha256"/, 'hmac-sha256"')),
    error: /signature algorithm .* is not allowed/,
  },
  {
    name: 'HMACOutputLength under an allowed SignatureMethod (CVE-2009-0217)',
    make: (k) =>
      edited(
        k,
        dsSwap(
          /(<ds:SignatureMethod [^>]*)\/>/,
          '$1><ds:HMACOutputLength>8</ds:HMACOutputLength></ds:SignatureMethod>',
        ),
      ),
    error: /algorithm has unexpected content/,
  },
  {
    name: 'a comment inside DigestValue (CVE-2025-29775)',
    make: (k) => edited(k, dsSwap(/<ds:DigestValue>/, '<ds:DigestValue><!-- x -->')),
    error: /comments/,
  },
  {
    name: 'a NameID smuggled into KeyInfo (the enveloped transform leaves it unsigned)',
    make: (k) =>
      edited(k, (s) => s.replace('<ds:KeyInfo>', '<ds:KeyInfo><saml:NameID>admin@example.com</saml:NameID>')),
    error: /signature contains elements that are not XML Signature/,
  },
  {
    name: 'an XMLDSig element outside the Signature',
    make: (k) =>
      param(k, {
        extraXml: `<saml:Advice><ds:DigestValue xmlns:ds="${NS_DS}">x</ds:DigestValue></saml:Advice>`,
      }),
    error: /XML Signature elements found outside/,
  },
  {
    name: 'the NameID changed after signing',
    make: (k) => edited(k, (s) => s.replace('alice@example.com', 'admin@example.com')),
    error: /does not match its content/,
  },
  {
    name: 'the NameID changed and the DigestValue recomputed',
    make: (k) => {
      const evil = assertionXml(spec({ id: '_fixed', nameId: 'admin@example.com' }));
      const good = signByHand(assertionXml(spec({ id: '_fixed' })), k.a);
      const digest = /<ds:DigestValue>([^<]+)</.exec(signByHand(evil, k.a))![1];
      return encode(
        good.replace(/<ds:DigestValue>[^<]+</, `<ds:DigestValue>${digest}<`).replace('alice@', 'admin@'),
      );
    },
    error: /does not verify/,
  },
  {
    name: 'the Signature appended at the end of the Assertion',
    make: (k) => encode(signXmlCrypto(assertionXml(spec()), k.a, { location: 'append' })),
  },
];

describe('SAML verifier: encoding, parsing, structure, signature', () => {
  const k = {} as VerifierKeys;
  before(async () => {
    [k.a, k.other, k.ec] = await Promise.all([makeKey('rsa'), makeKey('rsa'), makeKey('ec256')]);
  });

  for (const [group, rows] of [
    ['encoding', ENCODING],
    ['parsing', PARSING],
    ['structure', STRUCTURE],
    ['signature', SIGNATURE],
  ] as const) {
    for (const row of rows) {
      test(`${group}: ${row.error ? 'refuses' : 'accepts'} ${row.name}`, () => runRow(row, k));
    }
  }

  test('defense in depth: past the structural checks, only the signed copy is read (CVE-2025-54419)', () => {
    // XSW7 hides an evil Assertion inside the Signature, which the enveloped transform removes:
    // the signature over the original still verifies. Skip every structural check and look at
    // what the claims are read from: the attacker's own NameID, never the victim's.
    const signed = xml(k);
    const text = xswAttacks(signed, k.a, 'admin@example.com').XSW7!;
    const { root } = parseXml(text);
    const sig = root.getElementsByTagNameNS(NS.ds, 'Signature')[0]!;
    const id = root.getAttribute('ID')!;
    const signedXml = verifySignature(text, sig, id, [k.a.certificatePem], { allowSha1: false });
    assert.doesNotMatch(signedXml, /admin@example\.com/);
    const claims = readSignedAssertion(
      signedXml,
      { issuer: '3MVG9test.client_id', id, root, text },
      {
        audiences: [ISSUER],
        recipient: TOKEN_URL,
        maxLifetimeSeconds: 300,
        clock: { now: FROZEN_NOW, skewMs: 60_000 },
      },
    );
    assert.equal(claims.nameId, 'alice@example.com');
  });

  test('billion laughs is refused before any expansion, fast', () => {
    const start = process.hrtime.bigint();
    runRow({ name: 'laughs', make: () => raw(laughs), error: /DTD/ }, k);
    assert.ok(Number(process.hrtime.bigint() - start) / 1e6 < 50, 'refused within 50 ms');
  });
});
