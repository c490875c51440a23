/**
 * From the `assertion` parameter to a DOM, refusing before and after parsing
 * everything a SAML bearer assertion never needs (security catalogue §4, S4–S8):
 * - a size cap before decoding and before parsing;
 * - base64url (RFC 7522 §2.1, RFC 4648 §5), padding optional; the standard
 *   alphabet is tolerated because many SAML stacks emit it;
 * - strict UTF-8; no DTD, entity declaration, processing instruction or comment
 *   (XXE, billion laughs, parser differentials, comment injection);
 * - exactly one element tree with bounded depth, and every ID-type attribute unique
 *   (duplicate IDs make ID-based dereferencing ambiguous: XSW, S8).
 */
import { DOMParser, type Document, type Element, Node } from '@xmldom/xmldom';
import { MAX_ASSERTION_BYTES, MAX_DEPTH } from './constants.ts';
import { invalidAssertion, safeMessage } from './errors.ts';

/** The attribute names XMLDSig implementations dereference `#id` against (xml-crypto: Id, ID, id). */
const ID_ATTRIBUTES = new Set(['ID', 'Id', 'id']);

const MAX_ENCODED = Math.ceil(MAX_ASSERTION_BYTES / 3) * 4;
const BASE64 = /^[A-Za-z0-9_+/-]+={0,2}$/;
const XML_DECLARATION =
  /^<\?xml\s+version\s*=\s*(["'])1\.0\1(\s+encoding\s*=\s*(["'])utf-8\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>/i;

/** XML 1.0 §2.2: characters a document may not contain at all, even as references. */
function hasForbiddenChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) return true;
  }
  return false;
}

/** base64url (or base64) → UTF-8 text, with the size cap applied first. */
export function decodeAssertionParam(param: string): string {
  if (param.length > MAX_ENCODED) {
    throw invalidAssertion(`assertion is larger than ${MAX_ASSERTION_BYTES} bytes`);
  }
  if (!BASE64.test(param) || param.replace(/=+$/, '').length % 4 === 1) {
    throw invalidAssertion('assertion is not base64url-encoded');
  }
  const bytes = Buffer.from(param, 'base64');
  if (bytes.length > MAX_ASSERTION_BYTES) {
    throw invalidAssertion(`assertion is larger than ${MAX_ASSERTION_BYTES} bytes`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidAssertion('assertion is not UTF-8 XML');
  }
}

/** Textual refusals, before any parser sees the input. */
function precheck(xml: string): string {
  const body = xml.replace(XML_DECLARATION, '');
  if (/^<\?xml/i.test(body)) throw invalidAssertion('assertion has an unsupported XML declaration');
  if (hasForbiddenChar(body)) throw invalidAssertion('assertion contains characters XML does not allow');
  if (/<!DOCTYPE/i.test(body) || /<!ENTITY/i.test(body)) {
    throw invalidAssertion('assertion must not contain a DTD or entity declarations');
  }
  if (body.includes('<?')) throw invalidAssertion('assertion must not contain processing instructions');
  if (body.includes('<!--')) throw invalidAssertion('assertion must not contain comments');
  // What is left after `<!` can only be CDATA; anything else is markup we do not accept.
  if (/<!(?!\[CDATA\[)/.test(body)) throw invalidAssertion('assertion contains unsupported markup');
  return body;
}

function parseStrict(xml: string): Document {
  try {
    return new DOMParser({
      // Every report, warnings included, is fatal: the input has no reason to be sloppy.
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (err) {
    throw invalidAssertion('assertion is not well-formed XML', safeMessage(err));
  }
}

/** Walks the whole tree once: node kinds, depth, and the uniqueness of ID-type attributes. */
function checkTree(doc: Document): Element {
  let root: Element | undefined;
  for (let n = doc.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === Node.ELEMENT_NODE) root = n as Element;
    else if (n.nodeType !== Node.TEXT_NODE || (n.nodeValue ?? '').trim() !== '') {
      throw invalidAssertion('assertion has content outside its root element');
    }
  }
  if (!root) throw invalidAssertion('assertion has no root element');
  const ids = new Set<string>();
  const walk = (el: Element, depth: number): void => {
    if (depth > MAX_DEPTH) throw invalidAssertion(`assertion is nested deeper than ${MAX_DEPTH} elements`);
    for (let i = 0; i < el.attributes.length; i++) {
      const a = el.attributes.item(i)!;
      if (!ID_ATTRIBUTES.has(a.localName ?? a.name)) continue;
      if (ids.has(a.value)) throw invalidAssertion('assertion contains duplicate IDs');
      ids.add(a.value);
    }
    for (let c = el.firstChild; c; c = c.nextSibling) {
      switch (c.nodeType) {
        case Node.ELEMENT_NODE:
          walk(c as Element, depth + 1);
          break;
        case Node.TEXT_NODE:
        case Node.CDATA_SECTION_NODE:
          break;
        // Already refused textually; checked again on the tree in case the parser disagrees.
        default:
          throw invalidAssertion('assertion contains comments, processing instructions or entities');
      }
    }
  };
  walk(root, 1);
  return root;
}

export interface ParsedXml {
  /** The root element of the checked tree. */
  root: Element;
  /** The text that was parsed (the XML declaration removed): what the signature check reads too. */
  text: string;
}

/** The hardened parse of untrusted XML text. */
export function parseXml(xml: string): ParsedXml {
  if (Buffer.byteLength(xml, 'utf8') > MAX_ASSERTION_BYTES) {
    throw invalidAssertion(`assertion is larger than ${MAX_ASSERTION_BYTES} bytes`);
  }
  const text = precheck(xml);
  return { root: checkTree(parseStrict(text)), text };
}
