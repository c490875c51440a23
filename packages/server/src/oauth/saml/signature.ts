/**
 * XML Signature over the Assertion (RFC 7522 §3 item 9; SAML core §5.4), checked
 * in two steps:
 * 1. shape, on the untrusted tree: one enveloped `ds:Signature`, a direct child
 *    of the root Assertion, one SignedInfo with one Reference to `#<root ID>`,
 *    transforms exactly enveloped-signature + exc-c14n, allowed algorithms, no
 *    `ds:Object` and no XMLDSig element anywhere else (XSW1–8, S9–S11);
 * 2. cryptography, with xml-crypto, against each certificate registered for the
 *    app in turn. `KeyInfo` is never consulted (CVE-2024-32962).
 * The result is the canonical XML that the signature covers (`getSignedReferences()`):
 * the only text anything downstream reads (CVE-2025-54419, CVE-2025-47949).
 */
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import {
  type AlgorithmPolicy,
  allowedDigestAlgorithms,
  allowedSignatureAlgorithms,
  restrictAlgorithms,
} from './algorithms.ts';
import { ALLOWED_TRANSFORMS, C14N_EXC, NS } from './constants.ts';
import { attr, childElements, exactlyOne, isElement } from './dom.ts';
import { invalidAssertion, quoted, safeMessage } from './errors.ts';

const EXC_C14N_NS = C14N_EXC;
/** XMLDSig, XMLDSig 1.1 (KeyInfo children), and exc-c14n's InclusiveNamespaces. */
const SIGNATURE_NAMESPACES = new Set([NS.ds, 'http://www.w3.org/2009/xmldsig11#', EXC_C14N_NS]);

function dsElements(root: Element): Element[] {
  const out: Element[] = [];
  const walk = (el: Element): void => {
    if (el.namespaceURI === NS.ds) out.push(el);
    for (const c of childElements(el)) walk(c);
  };
  walk(root);
  return out;
}

function isInside(el: Element, ancestor: Element): boolean {
  for (let n: Element | null = el; n; n = n.parentNode as Element | null) if (n === ancestor) return true;
  return false;
}

function algorithm(el: Element, what: string, allowed: readonly string[]): string {
  const a = attr(el, 'Algorithm');
  if (a === undefined) throw invalidAssertion(`${what} has no Algorithm`);
  if (!allowed.includes(a)) throw invalidAssertion(`${what} ${quoted(a)} is not allowed`);
  return a;
}

function checkReference(ref: Element, rootId: string, policy: AlgorithmPolicy): void {
  // One same-document reference to the Assertion itself: no external or whole-document URIs.
  if (attr(ref, 'URI') !== `#${rootId}`) {
    throw invalidAssertion('signature must reference the Assertion by its ID');
  }
  const kids = childElements(ref);
  const names = kids.map((k) => (k.namespaceURI === NS.ds ? k.localName : '?'));
  if (names.join(',') !== 'Transforms,DigestMethod,DigestValue') {
    throw invalidAssertion('signature Reference has unexpected content');
  }
  const transforms = childElements(kids[0]!);
  const algs = transforms.map((t) => (isElement(t, NS.ds, 'Transform') ? (attr(t, 'Algorithm') ?? '') : '?'));
  if (algs.join(' ') !== ALLOWED_TRANSFORMS.join(' ')) {
    throw invalidAssertion('signature transforms must be enveloped-signature then exclusive C14N');
  }
  if (childElements(transforms[0]!).length > 0)
    throw invalidAssertion('signature transform has unexpected content');
  for (const c of childElements(transforms[1]!)) {
    if (!isElement(c, EXC_C14N_NS, 'InclusiveNamespaces')) {
      throw invalidAssertion('signature transform has unexpected content');
    }
  }
  algorithm(kids[1]!, 'digest algorithm', allowedDigestAlgorithms(policy));
  if (childElements(kids[2]!).length > 0) throw invalidAssertion('DigestValue must contain text only');
}

/** Step 1: the signature's structure, before any cryptography. Returns the Signature element. */
export function checkSignatureShape(root: Element, rootId: string, policy: AlgorithmPolicy): Element {
  const signatures = dsElements(root).filter((e) => e.localName === 'Signature');
  if (signatures.length === 0) throw invalidAssertion('assertion is not signed');
  if (signatures.length > 1) throw invalidAssertion('assertion must carry exactly one signature');
  const sig = signatures[0]!;
  if (sig.parentNode !== root) throw invalidAssertion('signature must be a direct child of the Assertion');
  if (dsElements(root).some((e) => !isInside(e, sig))) {
    throw invalidAssertion('XML Signature elements found outside the signature');
  }
  // Only signature vocabulary inside: the enveloped transform removes the Signature before
  // digesting, so anything else in it (a NameID, an Assertion in Extensions) is unsigned.
  const foreign = (el: Element): boolean =>
    childElements(el).some((c) => !SIGNATURE_NAMESPACES.has(c.namespaceURI ?? '') || foreign(c));
  if (foreign(sig)) throw invalidAssertion('signature contains elements that are not XML Signature');
  const parts = childElements(sig).map((k) => (k.namespaceURI === NS.ds ? k.localName : '?'));
  if (!/^SignedInfo,SignatureValue(,KeyInfo)?$/.test(parts.join(','))) {
    throw invalidAssertion('signature has unexpected content (one SignedInfo, a SignatureValue, KeyInfo)');
  }
  const signedInfo = exactlyOne(sig, NS.ds, 'SignedInfo');
  const inner = childElements(signedInfo);
  const innerNames = inner.map((k) => (k.namespaceURI === NS.ds ? k.localName : '?'));
  if (innerNames.join(',') !== 'CanonicalizationMethod,SignatureMethod,Reference') {
    throw invalidAssertion('SignedInfo must hold one CanonicalizationMethod, SignatureMethod and Reference');
  }
  algorithm(inner[0]!, 'canonicalization algorithm', [C14N_EXC]);
  algorithm(inner[1]!, 'signature algorithm', allowedSignatureAlgorithms(policy));
  // HMACOutputLength or any other parameter has no place with RSA (CVE-2009-0217).
  if (childElements(inner[0]!).length > 0 || childElements(inner[1]!).length > 0) {
    throw invalidAssertion('SignedInfo algorithm has unexpected content');
  }
  checkReference(inner[2]!, rootId, policy);
  if (childElements(exactlyOne(sig, NS.ds, 'SignatureValue')).length > 0) {
    throw invalidAssertion('SignatureValue must contain text only');
  }
  return sig;
}

type Outcome = { ok: true; signedXml: string } | { ok: false; reason: 'digest' | 'key' };

function verifyWith(
  cert: string,
  text: string,
  sig: Element,
  rootId: string,
  policy: AlgorithmPolicy,
): Outcome {
  // getCertFromKeyInfo → null: the key comes only from the registered certificate.
  const sx = new SignedXml({ publicCert: cert, getCertFromKeyInfo: () => null });
  restrictAlgorithms(sx, policy);
  sx.loadSignature(sig as unknown as Parameters<SignedXml['loadSignature']>[0]);
  let valid: boolean;
  try {
    valid = sx.checkSignature(text);
  } catch (err) {
    if (/^invalid signature: the signature value/.test((err as Error).message))
      return { ok: false, reason: 'key' };
    throw invalidAssertion('assertion signature could not be checked', safeMessage(err));
  }
  if (!valid) return { ok: false, reason: 'digest' };
  const refs = sx.getReferences();
  const signed = sx.getSignedReferences();
  // What was verified must be what we expected: one reference, to the root Assertion.
  if (refs.length !== 1 || signed.length !== 1 || refs[0]!.uri !== `#${rootId}`) {
    throw invalidAssertion('signature must reference the Assertion by its ID');
  }
  return { ok: true, signedXml: signed[0]! };
}

/**
 * Step 2: the canonical XML of the signed Assertion, verified with one of the
 * app's certificates (PEM), or invalid_grant.
 */
export function verifySignature(
  text: string,
  sig: Element,
  rootId: string,
  certificates: readonly string[],
  policy: AlgorithmPolicy,
): string {
  if (certificates.length === 0) throw invalidAssertion('no certificate is registered for this app');
  for (const cert of certificates) {
    const r = verifyWith(cert, text, sig, rootId, policy);
    if (r.ok) return r.signedXml;
    // A digest mismatch does not depend on the key: the signed content was changed.
    if (r.reason === 'digest') throw invalidAssertion('assertion signature does not match its content');
  }
  throw invalidAssertion('assertion signature does not verify with a certificate registered for this app');
}
