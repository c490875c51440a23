/**
 * SAML test fixtures: an assertion builder that can write anything (missing,
 * duplicated or malformed parts, raw XML), and three signers that share no code
 * with our verifier or our client signer:
 * - `signByHand`: exclusive C14N written out by hand and node:crypto (no xml-crypto at all);
 * - `signXmlCrypto`: xml-crypto used directly, every algorithm and placement selectable;
 * - `signSamlify`: samlify's `constructSAMLSignature`.
 */
import { createHash, type KeyObject, sign } from 'node:crypto';
import { DOMParser, type Element, XMLSerializer } from '@xmldom/xmldom';
import samlify from 'samlify';
import { SignedXml } from 'xml-crypto';
import type { TestKey } from './assertions.ts';
import { CLIENT_ID, FROZEN_NOW, ISSUER, TOKEN_URL } from './assertions.ts';

export const NS_SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const NS_SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const NS_DS = 'http://www.w3.org/2000/09/xmldsig#';
export const C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const C14N_INCLUSIVE = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const ALG = {
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
} as const;
export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export const samlTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const encode = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64url');

export interface Spec {
  id: string;
  issuer: string;
  nameId: string;
  /** Epoch ms, or a raw attribute value when a string. */
  issueInstant: number | string;
  /** Conditions window; null leaves the attribute out. */
  notBefore: number | null;
  notOnOrAfter: number | null;
  /** SubjectConfirmationData; null leaves the attribute out. */
  recipient: string | null;
  scdNotOnOrAfter: number | string | null;
  method: string;
  /** One inner array per AudienceRestriction. */
  audiences: string[][];
  attributes: Record<string, string | string[]>;
  version: string;
  /** Raw replacements of whole parts; '' leaves the part out. */
  issuerXml?: string;
  nameIdXml?: string;
  subjectXml?: string;
  conditionsXml?: string;
  /** Raw children appended after Conditions (statements, Advice …). */
  extraXml?: string;
}

let seq = 0;

/** A valid spec at the frozen clock: 2-minute lifetime, audience = the issuer URL of the unit tests. */
export function spec(o: Partial<Spec> = {}): Spec {
  return {
    id: `_t${++seq}x${FROZEN_NOW.toString(36)}`,
    issuer: CLIENT_ID,
    nameId: 'alice@example.com',
    issueInstant: FROZEN_NOW,
    notBefore: FROZEN_NOW,
    notOnOrAfter: FROZEN_NOW + 120_000,
    recipient: TOKEN_URL,
    scdNotOnOrAfter: FROZEN_NOW + 120_000,
    method: BEARER,
    audiences: [[ISSUER]],
    attributes: {},
    version: '2.0',
    ...o,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const time = (v: number | string) => (typeof v === 'number' ? samlTime(v) : v);
/** `name="value"` pairs in exclusive-C14N order (sorted by name: all are unqualified). */
const attrs = (pairs: Record<string, string | number | null | undefined>) =>
  Object.keys(pairs)
    .sort()
    .filter((k) => pairs[k] !== null && pairs[k] !== undefined)
    .map((k) => ` ${k}="${escAttr(time(pairs[k] as string | number))}"`)
    .join('');

/**
 * The Assertion as XML already in exclusive-C14N form (namespace declaration on
 * the root only, sorted attributes, explicit end tags), so `signByHand` can
 * digest the text as it is.
 */
export function assertionXml(s: Spec): string {
  const issuer = s.issuerXml ?? `<saml:Issuer>${esc(s.issuer)}</saml:Issuer>`;
  const nameId =
    s.nameIdXml ??
    `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${esc(s.nameId)}</saml:NameID>`;
  const subject =
    s.subjectXml ??
    `<saml:Subject>${nameId}<saml:SubjectConfirmation${attrs({ Method: s.method })}>` +
      `<saml:SubjectConfirmationData${attrs({ NotOnOrAfter: s.scdNotOnOrAfter, Recipient: s.recipient })}>` +
      '</saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>';
  const conditions =
    s.conditionsXml ??
    `<saml:Conditions${attrs({ NotBefore: s.notBefore, NotOnOrAfter: s.notOnOrAfter })}>` +
      s.audiences
        .map(
          (r) =>
            `<saml:AudienceRestriction>${r.map((a) => `<saml:Audience>${esc(a)}</saml:Audience>`).join('')}</saml:AudienceRestriction>`,
        )
        .join('') +
      '</saml:Conditions>';
  const attributes = Object.entries(s.attributes);
  const statement =
    attributes.length === 0
      ? ''
      : `<saml:AttributeStatement>${attributes
          .map(
            ([n, v]) =>
              `<saml:Attribute Name="${escAttr(n)}">${(typeof v === 'string' ? [v] : v)
                .map((x) => `<saml:AttributeValue>${esc(x)}</saml:AttributeValue>`)
                .join('')}</saml:Attribute>`,
          )
          .join('')}</saml:AttributeStatement>`;
  return (
    `<saml:Assertion xmlns:saml="${NS_SAML}"${attrs({ ID: s.id, IssueInstant: s.issueInstant, Version: s.version })}>` +
    issuer +
    subject +
    conditions +
    statement +
    (s.extraXml ?? '') +
    '</saml:Assertion>'
  );
}

const HASH_OF: Record<string, string> = {
  [ALG.rsaSha1]: 'sha1',
  [ALG.rsaSha256]: 'sha256',
  [ALG.rsaSha384]: 'sha384',
  [ALG.rsaSha512]: 'sha512',
  [ALG.sha1]: 'sha1',
  [ALG.sha256]: 'sha256',
  [ALG.sha384]: 'sha384',
  [ALG.sha512]: 'sha512',
};

/**
 * Signs canonical Assertion XML without xml-crypto: digest of the text itself
 * (what exc-c14n of the Assertion minus its Signature yields), SignedInfo written
 * in canonical form, RSA with node:crypto. The Signature goes after the Issuer.
 */
export function signByHand(
  xml: string,
  key: { privateKey: KeyObject },
  o: { signatureAlgorithm?: string; digestAlgorithm?: string } = {},
): string {
  const sigAlg = o.signatureAlgorithm ?? ALG.rsaSha256;
  const digAlg = o.digestAlgorithm ?? ALG.sha256;
  const id = /ID="([^"]+)"/.exec(xml)![1];
  const digest = createHash(HASH_OF[digAlg]!).update(xml, 'utf8').digest('base64');
  const inner =
    `<ds:CanonicalizationMethod Algorithm="${C14N}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${sigAlg}"></ds:SignatureMethod>` +
    `<ds:Reference URI="#${id}"><ds:Transforms>` +
    `<ds:Transform Algorithm="${ENVELOPED}"></ds:Transform><ds:Transform Algorithm="${C14N}"></ds:Transform>` +
    `</ds:Transforms><ds:DigestMethod Algorithm="${digAlg}"></ds:DigestMethod>` +
    `<ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>`;
  // Exclusive C14N of SignedInfo alone puts the ds declaration on it (its apex).
  const canonical = `<ds:SignedInfo xmlns:ds="${NS_DS}">${inner}</ds:SignedInfo>`;
  const value = sign(HASH_OF[sigAlg]!, Buffer.from(canonical, 'utf8'), key.privateKey).toString('base64');
  const signature =
    `<ds:Signature xmlns:ds="${NS_DS}"><ds:SignedInfo>${inner}</ds:SignedInfo>` +
    `<ds:SignatureValue>${value}</ds:SignatureValue></ds:Signature>`;
  return xml.replace('</saml:Issuer>', `</saml:Issuer>${signature}`);
}

/** RSA-SHA384 and SHA-384 for xml-crypto, written here independently of the server's. */
class RsaSha384 {
  getSignature(data: string, key: KeyObject | string): string {
    return sign('sha384', Buffer.from(data), key).toString('base64');
  }
  verifySignature(): boolean {
    throw new Error('not used');
  }
  getAlgorithmName(): string {
    return ALG.rsaSha384;
  }
}
class Sha384 {
  getHash(xml: string): string {
    return createHash('sha384').update(xml, 'utf8').digest('base64');
  }
  getAlgorithmName(): string {
    return ALG.sha384;
  }
}

export interface XmlCryptoOptions {
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  canonicalization?: string;
  transforms?: string[];
  /** Where the Signature goes: after the Issuer (default) or appended to the Assertion. */
  location?: 'afterIssuer' | 'append';
  /** Publish this certificate in KeyInfo (what attackers do). */
  keyInfoCert?: string;
  /** Sign this element instead of the root Assertion (an XPath). */
  referenceXpath?: string;
}

/** Signs with xml-crypto directly (not through our client). */
export function signXmlCrypto(xml: string, key: TestKey, o: XmlCryptoOptions = {}): string {
  const root = "/*[local-name(.)='Assertion']";
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: o.keyInfoCert ?? key.certificatePem,
    signatureAlgorithm: o.signatureAlgorithm ?? ALG.rsaSha256,
    canonicalizationAlgorithm: o.canonicalization ?? C14N,
  });
  // biome-ignore lint/suspicious/noExplicitAny: registering an algorithm class by hand
  (sig.SignatureAlgorithms as any)[ALG.rsaSha384] = RsaSha384;
  sig.HashAlgorithms[ALG.sha384] = Sha384;
  sig.addReference({
    xpath: o.referenceXpath ?? root,
    transforms: o.transforms ?? [ENVELOPED, C14N],
    digestAlgorithm: o.digestAlgorithm ?? ALG.sha256,
  });
  const location =
    o.location === 'append'
      ? { reference: root, action: 'append' as const }
      : { reference: `${root}/*[local-name(.)='Issuer']`, action: 'after' as const };
  sig.computeSignature(xml, { prefix: 'ds', location });
  return sig.getSignedXml();
}

/** Signs with samlify (clients.md §4 (b)): the certificate goes in as its bare base64 body. */
export function signSamlify(xml: string, key: TestKey): string {
  const bare = key.certificatePem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return samlify.SamlLib.constructSAMLSignature({
    rawSamlMessage: xml,
    referenceTagXPath: "/*[local-name(.)='Assertion']",
    privateKey: key.privateKeyPem,
    signingCert: bare,
    signatureAlgorithm: ALG.rsaSha256,
    isBase64Output: false,
    signatureConfig: {
      prefix: 'ds',
      location: { reference: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
    },
  }) as string;
}

// ---- DOM surgery for the attack suite ----

export function parse(xml: string): Element {
  return new DOMParser().parseFromString(xml, 'text/xml').documentElement as Element;
}

export function serialize(el: Element): string {
  return new XMLSerializer().serializeToString(el);
}

/** The first element with this local name (document order). */
export function find(root: Element, localName: string): Element {
  const all = root.getElementsByTagNameNS('*', localName);
  if (all.length === 0) throw new Error(`no ${localName}`);
  return all[0] as Element;
}

/** Replaces the text of the first NameID. */
export function setNameId(root: Element, value: string): void {
  const n = find(root, 'NameID');
  while (n.firstChild) n.removeChild(n.firstChild);
  n.appendChild(root.ownerDocument!.createTextNode(value));
}

export function removeSignature(root: Element): Element {
  const sig = find(root, 'Signature');
  sig.parentNode!.removeChild(sig);
  return root;
}

export function clone(el: Element): Element {
  return el.cloneNode(true) as Element;
}
