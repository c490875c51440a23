/**
 * Small, strict DOM helpers over @xmldom/xmldom: children by namespace and
 * local name, exactly-one lookups, and whole text content. Selection is always
 * structural (parent → child), never `//` searches, so the node read is the
 * node checked (security catalogue §4.2 S10).
 */
import { type Element, Node } from '@xmldom/xmldom';
import { MAX_IDENTIFIER_LENGTH, NS } from './constants.ts';
import { invalidAssertion } from './errors.ts';

export function childElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === Node.ELEMENT_NODE) out.push(n as Element);
  }
  return out;
}

export function isElement(el: Element, ns: string, localName: string): boolean {
  return el.namespaceURI === ns && el.localName === localName;
}

export function children(parent: Element, ns: string, localName: string): Element[] {
  return childElements(parent).filter((c) => isElement(c, ns, localName));
}

export function samlChildren(parent: Element, localName: string): Element[] {
  return children(parent, NS.saml, localName);
}

/** The one child of that name; `what` names it in the error when there are none or several. */
export function exactlyOne(parent: Element, ns: string, localName: string, what = localName): Element {
  const found = children(parent, ns, localName);
  if (found.length === 0) throw invalidAssertion(`${what} is missing`);
  if (found.length > 1) throw invalidAssertion(`${what} appears more than once`);
  return found[0]!;
}

/** The child of that name, undefined when absent; more than one is an error. */
export function atMostOne(
  parent: Element,
  ns: string,
  localName: string,
  what = localName,
): Element | undefined {
  const found = children(parent, ns, localName);
  if (found.length > 1) throw invalidAssertion(`${what} appears more than once`);
  return found[0];
}

/**
 * All the text under an element, concatenated in document order: a NameID split
 * by a comment or a CDATA section is read whole, never up to the first break
 * (the 2018 comment-injection bugs read only the first text node).
 */
export function wholeText(el: Element): string {
  let out = '';
  const walk = (n: Node): void => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === Node.TEXT_NODE || c.nodeType === Node.CDATA_SECTION_NODE) out += c.nodeValue ?? '';
      else if (c.nodeType === Node.ELEMENT_NODE) walk(c);
    }
  };
  walk(el);
  return out;
}

/** Text of an element that must hold text only (no child elements), non-empty and bounded. */
export function simpleText(el: Element, what: string, max = MAX_IDENTIFIER_LENGTH): string {
  if (childElements(el).length > 0) throw invalidAssertion(`${what} must contain text only`);
  const text = wholeText(el);
  if (text.length === 0) throw invalidAssertion(`${what} is empty`);
  if (text.length > max) throw invalidAssertion(`${what} is longer than ${max} characters`);
  return text;
}

/** An attribute without a namespace, or undefined. */
export function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name)! : undefined;
}
