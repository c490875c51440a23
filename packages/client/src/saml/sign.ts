/**
 * Signs an Assertion as RFC 7522 §3 item 9 and SAML core §5 ask: an enveloped
 * XML Signature (XMLDSig §6.6.4) placed right after the Issuer (the schema
 * order of SAML core §2.3.3), exclusive C14N, RSA-SHA256 over a SHA-256 digest,
 * one Reference to `#<Assertion ID>`. The certificate is published in KeyInfo
 * (servers must not trust it; ours ignores it).
 */
import type { KeyLike } from 'node:crypto';
import { SignedXml } from 'xml-crypto';

const C14N_EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const ASSERTION =
  "/*[local-name(.)='Assertion' and namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:assertion']";

export interface SamlSigningKey {
  /** An RSA private key: PEM (PKCS#8 or PKCS#1) or a KeyObject. */
  privateKey: KeyLike;
  /** The X.509 certificate registered for the app, PEM. */
  certificatePem: string;
}

export function signSamlAssertion(xml: string, key: SamlSigningKey): string {
  const sig = new SignedXml({
    privateKey: key.privateKey,
    publicCert: key.certificatePem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: C14N_EXC,
  });
  sig.addReference({ xpath: ASSERTION, transforms: [ENVELOPED, C14N_EXC], digestAlgorithm: SHA256 });
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${ASSERTION}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}
