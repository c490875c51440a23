/**
 * The pure SAML verifier, one row per rule: the XML Signature over the Assertion
 * (RFC 7522 §3 item 9; XMLDSig; security catalogue §4.2 S1, S2, S9–S11, §4.3 CVEs),
 * and a defense-in-depth check that only the signed copy is ever read.
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
  signByHand,
  signXmlCrypto,
  spec,
} from './saml_fixtures.ts';
import { edited, param, type Row, raw, runRow, type VerifierKeys, xml } from './saml_rows.ts';
import { xswAttacks } from './saml_xsw.ts';

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

describe('SAML verifier: signature', () => {
  const k = {} as VerifierKeys;
  before(async () => {
    [k.a, k.other, k.ec] = await Promise.all([makeKey('rsa'), makeKey('rsa'), makeKey('ec256')]);
  });

  for (const row of SIGNATURE) {
    test(`${row.error ? 'refuses' : 'accepts'} ${row.name}`, () => runRow(row, k));
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
});
