/**
 * The client's SAML bearer assertion builder and signer (RFC 7522 §2.1, §3):
 * content and escaping of the built Assertion, and a signature checked
 * independently of xml-crypto — the digest and SignedInfo canonicalised by
 * hand and verified with node:crypto — then by the server's verifier.
 */
import assert from 'node:assert/strict';
import { createHash, verify } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { generateSelfSigned } from '../../server/src/keys/x509.ts';
import { readUntrustedAssertion, verifySamlAssertion } from '../../server/src/oauth/saml/index.ts';
import {
  buildSamlAssertion,
  createSamlBearerAssertion,
  SAML2_BEARER_GRANT_TYPE,
  type SamlAssertionContent,
  samlBearerGrantParams,
} from '../src/index.ts';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const AS = 'https://as.example.com';
const CONTENT: SamlAssertionContent = {
  issuer: '3MVG9client',
  nameId: 'alice@example.com',
  audience: AS,
  recipient: `${AS}/services/oauth2/token`,
  lifetimeSeconds: 120,
  now: NOW,
};

const dom = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml').documentElement as Element;
const first = (el: Element, name: string) => el.getElementsByTagNameNS('*', name)[0] as Element;
const texts = (el: Element, name: string) =>
  Array.from(el.getElementsByTagNameNS('*', name)).map((e) => (e as Element).textContent);
/** Exclusive C14N of what the builder and xml-crypto write: only empty elements differ. */
const expandEmpty = (xml: string) => xml.replace(/<([\w:]+)([^<>]*?)\/>/g, '<$1$2></$1>');

describe('SAML bearer assertion: build', () => {
  test('Issuer, NameID, bearer confirmation, window and audience as RFC 7522 §3 asks', () => {
    const b = buildSamlAssertion(CONTENT);
    const root = dom(b.xml);
    assert.equal(root.localName, 'Assertion');
    assert.equal(root.getAttribute('Version'), '2.0');
    assert.equal(root.getAttribute('ID'), b.id);
    assert.match(b.id, /^_[0-9a-f]{40}$/, 'an xs:ID, not starting with a digit');
    assert.equal(root.getAttribute('IssueInstant'), '2026-01-02T03:04:05Z');
    assert.equal(b.issuedAt, Date.UTC(2026, 0, 2, 3, 4, 5));
    assert.equal(b.expiresAt, b.issuedAt + 120_000);
    assert.deepEqual(texts(root, 'Issuer'), ['3MVG9client']);
    assert.deepEqual(texts(root, 'NameID'), ['alice@example.com']);
    const nameId = first(root, 'NameID');
    assert.equal(nameId.getAttribute('Format'), 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified');
    assert.equal(
      first(root, 'SubjectConfirmation').getAttribute('Method'),
      'urn:oasis:names:tc:SAML:2.0:cm:bearer',
    );
    const data = first(root, 'SubjectConfirmationData');
    assert.equal(data.getAttribute('Recipient'), `${AS}/services/oauth2/token`);
    assert.equal(data.getAttribute('NotOnOrAfter'), '2026-01-02T03:06:05Z');
    const conditions = first(root, 'Conditions');
    assert.equal(conditions.getAttribute('NotBefore'), '2026-01-02T03:04:05Z');
    assert.equal(conditions.getAttribute('NotOnOrAfter'), '2026-01-02T03:06:05Z');
    assert.deepEqual(texts(root, 'Audience'), [AS]);
    assert.equal(root.getElementsByTagNameNS('*', 'AuthnStatement').length, 0, 'none unless asked');
    assert.equal(root.getElementsByTagNameNS('*', 'AttributeStatement').length, 0);
  });

  test('a fresh ID every time', () => {
    assert.notEqual(buildSamlAssertion(CONTENT).id, buildSamlAssertion(CONTENT).id);
  });

  test('values are escaped, never markup', () => {
    const tricky = 'a&b<c>"d\'<saml:NameID>x</saml:NameID>';
    const root = dom(
      buildSamlAssertion({ ...CONTENT, issuer: tricky, nameId: tricky, recipient: `${AS}/t?a="1"&b=<2>` })
        .xml,
    );
    assert.deepEqual(texts(root, 'Issuer'), [tricky]);
    assert.deepEqual(texts(root, 'NameID'), [tricky]);
    assert.equal(first(root, 'SubjectConfirmationData').getAttribute('Recipient'), `${AS}/t?a="1"&b=<2>`);
  });

  test('several audiences, attributes (multi-valued), an AuthnStatement, another NameID format', () => {
    const root = dom(
      buildSamlAssertion({
        ...CONTENT,
        audience: [AS, `${AS}/services/oauth2/token`],
        attributes: { department: 'R&D', roles: ['a', 'b'] },
        authnStatement: true,
        nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      }).xml,
    );
    assert.deepEqual(texts(root, 'Audience'), [AS, `${AS}/services/oauth2/token`]);
    const attrs = Array.from(root.getElementsByTagNameNS('*', 'Attribute')).map((a) => [
      (a as Element).getAttribute('Name'),
      texts(a as Element, 'AttributeValue'),
    ]);
    assert.deepEqual(attrs, [
      ['department', ['R&D']],
      ['roles', ['a', 'b']],
    ]);
    assert.equal(root.getElementsByTagNameNS('*', 'AuthnStatement').length, 1);
    assert.equal(
      first(root, 'NameID').getAttribute('Format'),
      'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    );
  });

  test('bad input is refused before anything is signed', () => {
    assert.throws(() => buildSamlAssertion({ ...CONTENT, issuer: '' }), /issuer is required/);
    assert.throws(() => buildSamlAssertion({ ...CONTENT, nameId: '' }), /nameId is required/);
    assert.throws(() => buildSamlAssertion({ ...CONTENT, audience: [] }), /audience is required/);
    assert.throws(() => buildSamlAssertion({ ...CONTENT, lifetimeSeconds: 0 }), /lifetimeSeconds/);
    assert.throws(() => buildSamlAssertion({ ...CONTENT, lifetimeSeconds: 1.5 }), /lifetimeSeconds/);
    assert.throws(() => buildSamlAssertion({ ...CONTENT, nameId: 'a\u0000b' }), /XML does not allow/);
  });
});

describe('SAML bearer assertion: sign', () => {
  let key: { privateKeyPem: string; certificatePem: string };
  before(async () => {
    key = await generateSelfSigned({ cn: 'saml client test', days: 1 });
  });
  const signer = () => ({ privateKey: key.privateKeyPem, certificatePem: key.certificatePem });

  test('enveloped signature after the Issuer: exc-c14n, RSA-SHA256, one Reference to the ID', () => {
    const made = createSamlBearerAssertion(CONTENT, signer());
    const root = dom(made.signedXml);
    const children = Array.from(root.childNodes).filter((n) => n.nodeType === 1) as Element[];
    assert.deepEqual(
      children.map((c) => c.localName),
      ['Issuer', 'Signature', 'Subject', 'Conditions'],
    );
    const sig = children[1]!;
    const alg = (name: string) => first(sig, name).getAttribute('Algorithm');
    assert.equal(alg('CanonicalizationMethod'), 'http://www.w3.org/2001/10/xml-exc-c14n#');
    assert.equal(alg('SignatureMethod'), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    assert.equal(alg('DigestMethod'), 'http://www.w3.org/2001/04/xmlenc#sha256');
    assert.deepEqual(
      Array.from(sig.getElementsByTagNameNS('*', 'Transform')).map((t) =>
        (t as Element).getAttribute('Algorithm'),
      ),
      ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    );
    assert.equal(sig.getElementsByTagNameNS('*', 'Reference').length, 1);
    assert.equal(first(sig, 'Reference').getAttribute('URI'), `#${made.id}`);
    const bare = key.certificatePem.replace(/-----[^-]+-----|\s/g, '');
    assert.equal(first(sig, 'X509Certificate').textContent, bare, 'the certificate is published in KeyInfo');
  });

  test('the signature verifies when checked by hand (no xml-crypto)', () => {
    const { signedXml } = createSamlBearerAssertion({ ...CONTENT, attributes: { a: 'x&y' } }, signer());
    const signature = /<ds:Signature [^>]*>.*<\/ds:Signature>/.exec(signedXml)![0];
    // Digest: exc-c14n of the Assertion without its Signature (the enveloped transform).
    const canonical = expandEmpty(signedXml.replace(signature, ''));
    const digest = createHash('sha256').update(canonical).digest('base64');
    assert.equal(/<ds:DigestValue>([^<]+)</.exec(signature)![1], digest);
    // Signature: over exc-c14n of SignedInfo, which carries the ds declaration itself.
    const signedInfo = expandEmpty(/<ds:SignedInfo>.*<\/ds:SignedInfo>/.exec(signature)![0]).replace(
      '<ds:SignedInfo>',
      '<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">',
    );
    const value = Buffer.from(/<ds:SignatureValue>([^<]+)</.exec(signature)![1]!, 'base64');
    assert.ok(verify('sha256', Buffer.from(signedInfo), key.certificatePem, value));
  });

  test('the encoded assertion is base64url without padding, and the server verifier accepts it', () => {
    const made = createSamlBearerAssertion({ ...CONTENT, now: Date.now() }, signer());
    assert.match(made.assertion, /^[A-Za-z0-9_-]+$/);
    assert.equal(Buffer.from(made.assertion, 'base64url').toString('utf8'), made.signedXml);
    const verified = verifySamlAssertion(readUntrustedAssertion(made.assertion), {
      certificates: [key.certificatePem],
      audiences: [AS],
      recipient: `${AS}/services/oauth2/token`,
      maxLifetimeSeconds: 300,
      allowSha1: false,
      now: Date.now(),
      clockSkewSeconds: 60,
    });
    assert.equal(verified.nameId, 'alice@example.com');
    assert.equal(verified.id, made.id);
  });

  test('the token request parameters', () => {
    const p = samlBearerGrantParams('abc', 'api id');
    assert.equal(p.get('grant_type'), SAML2_BEARER_GRANT_TYPE);
    assert.equal(p.get('assertion'), 'abc');
    assert.equal(p.get('scope'), 'api id');
    assert.equal(samlBearerGrantParams('abc').has('scope'), false);
  });
});
