/**
 * The untrusted first look at an assertion (RFC 7522 §2.1): a single SAML 2.0
 * `<Assertion>` as the root, no other Assertion anywhere, `Version="2.0"`, an ID,
 * and the Issuer — read here ONLY to choose the app whose certificates may have
 * signed it. Nothing read here is trusted afterwards; the signed copy must agree.
 */
import type { Element } from '@xmldom/xmldom';
import { MAX_IDENTIFIER_LENGTH, NAMEID_ENTITY, NS } from './constants.ts';
import { attr, childElements, isElement, simpleText } from './dom.ts';
import { invalidAssertion } from './errors.ts';
import { decodeAssertionParam, parseXml } from './parse.ts';

// xs:ID is an NCName; this is the ASCII subset every SAML stack emits.
const XS_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export interface UntrustedSamlAssertion {
  /** The Issuer of the unverified document. Use only to select candidate certificates. */
  readonly issuer: string;
  /** The root Assertion's ID. */
  readonly id: string;
  /** The checked tree and the exact text it was parsed from. */
  readonly root: Element;
  readonly text: string;
}

function countAssertions(el: Element): number {
  let n = el.localName === 'Assertion' || el.localName === 'EncryptedAssertion' ? 1 : 0;
  for (const c of childElements(el)) n += countAssertions(c);
  return n;
}

/** SAML core §2.3.3: Version, ID; shared by the untrusted look and the signed copy. */
export function assertionHeader(root: Element): { id: string } {
  if (!isElement(root, NS.saml, 'Assertion')) {
    if (root.localName === 'Response')
      throw invalidAssertion('send the Assertion itself, not a SAML Response');
    throw invalidAssertion('assertion must be a SAML 2.0 Assertion element');
  }
  if (attr(root, 'Version') !== '2.0') throw invalidAssertion('assertion Version must be 2.0');
  const id = attr(root, 'ID');
  if (id === undefined) throw invalidAssertion('assertion ID is missing');
  if (!XS_ID.test(id) || id.length > MAX_IDENTIFIER_LENGTH)
    throw invalidAssertion('assertion ID is malformed');
  return { id };
}

/** SAML core §2.3.3: Issuer is the Assertion's first child; its format, if given, is entity. */
export function readIssuer(root: Element): string {
  const first = childElements(root)[0];
  if (!first || !isElement(first, NS.saml, 'Issuer')) {
    throw invalidAssertion('Issuer is missing (it must be the first element of the Assertion)');
  }
  const format = attr(first, 'Format');
  if (format !== undefined && format !== NAMEID_ENTITY)
    throw invalidAssertion('Issuer Format must be entity');
  return simpleText(first, 'Issuer');
}

export function readUntrustedAssertion(param: string): UntrustedSamlAssertion {
  const { root, text } = parseXml(decodeAssertionParam(param));
  const { id } = assertionHeader(root);
  // RFC 7522 §2.1: a single assertion; nested or sibling copies are the XSW3–8 constructions.
  if (countAssertions(root) !== 1)
    throw invalidAssertion('assertion contains more than one Assertion element');
  return { issuer: readIssuer(root), id, root, text };
}
