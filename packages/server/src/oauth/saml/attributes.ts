/**
 * AttributeStatement → the token's additional claims (RFC 7522 §3 item 9 lets
 * other statements be present; SAML core §2.7.3). Each Attribute's Name maps to
 * its value, or to an array when it has several. Values are text only;
 * `xsi:nil="true"` gives null. The size cap is the grant's (same as the JWT flow).
 */
import type { Element } from '@xmldom/xmldom';
import { NS } from './constants.ts';
import { attr, childElements, wholeText } from './dom.ts';
import { invalidAssertion, quoted } from './errors.ts';

export type SamlAttributeValue = string | null | (string | null)[];

const MAX_NAME_LENGTH = 256;

function value(v: Element, name: string): string | null {
  if (v.namespaceURI !== NS.saml || v.localName !== 'AttributeValue') {
    throw invalidAssertion(`Attribute ${name} has unexpected content`);
  }
  if (childElements(v).length > 0) throw invalidAssertion(`Attribute ${name} must have text values`);
  if (v.getAttributeNS(NS.xsi, 'nil') === 'true') return null;
  return wholeText(v);
}

export function readAttributes(root: Element): Record<string, SamlAttributeValue> {
  const out: Record<string, SamlAttributeValue> = Object.create(null);
  for (const statement of childElements(root)) {
    if (statement.namespaceURI !== NS.saml || statement.localName !== 'AttributeStatement') continue;
    for (const a of childElements(statement)) {
      if (a.namespaceURI !== NS.saml || a.localName !== 'Attribute') {
        // EncryptedAttribute: we hold no decryption key.
        throw invalidAssertion(`unsupported ${quoted(a.localName)} in AttributeStatement`);
      }
      const name = attr(a, 'Name');
      if (!name) throw invalidAssertion('Attribute Name is missing');
      if (name.length > MAX_NAME_LENGTH) throw invalidAssertion('Attribute Name is too long');
      if (Object.hasOwn(out, name)) throw invalidAssertion(`Attribute ${name} appears more than once`);
      const values = childElements(a).map((v) => value(v, name));
      out[name] = values.length === 1 ? (values[0] as string | null) : values;
    }
  }
  return { ...out };
}
