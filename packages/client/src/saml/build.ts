/**
 * Builds the SAML 2.0 Assertion of the bearer grant (RFC 7522 §2.1, §3; SAML
 * core §2.3.3), unsigned: Issuer = the client id, Subject/NameID = the username
 * with a bearer SubjectConfirmation whose Recipient is the token endpoint,
 * Conditions with the validity window and the audience, and optional
 * attributes. Every value is escaped; the ID and IssueInstant are fresh each time.
 */
import { randomBytes } from 'node:crypto';
import { escapeAttribute as attr, escapeText as text } from './xml_escape.ts';

export const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const NAMEID_UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
const CM_BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const AC_UNSPECIFIED = 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified';

export interface SamlAssertionContent {
  /** The app's client id (consumer key). */
  issuer: string;
  /** The username the token is for. */
  nameId: string;
  /** The authorization server's identity (its issuer URL or token endpoint URL). */
  audience: string | readonly string[];
  /** The token endpoint URL the assertion is posted to. */
  recipient: string;
  /** NotOnOrAfter − IssueInstant, seconds. */
  lifetimeSeconds: number;
  /** Epoch milliseconds; default: now. */
  now?: number;
  /** SAML attributes; an array gives a multi-valued attribute. */
  attributes?: Readonly<Record<string, string | readonly string[]>>;
  /** Default: `urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified` (what Salesforce expects). */
  nameIdFormat?: string;
  /** Add an AuthnStatement (RFC 7522 §3 item 8: only when the issuer authenticated the user). */
  authnStatement?: boolean;
}

export interface BuiltAssertion {
  xml: string;
  id: string;
  /** Epoch milliseconds. */
  issuedAt: number;
  expiresAt: number;
}

/** SAML core §1.3.3: UTC, `Z`; whole seconds, as most SAML stacks write them. */
function samlTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function required(value: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${what} is required`);
  return value;
}

function attributeStatement(attributes: SamlAssertionContent['attributes']): string {
  const entries = Object.entries(attributes ?? {});
  if (entries.length === 0) return '';
  const body = entries
    .map(([name, v]) => {
      const values = (typeof v === 'string' ? [v] : [...v])
        .map((x) => `<saml:AttributeValue>${text(x, `attribute ${name}`)}</saml:AttributeValue>`)
        .join('');
      return `<saml:Attribute Name="${attr(required(name, 'attribute name'), 'attribute name')}">${values}</saml:Attribute>`;
    })
    .join('');
  return `<saml:AttributeStatement>${body}</saml:AttributeStatement>`;
}

export function buildSamlAssertion(c: SamlAssertionContent): BuiltAssertion {
  if (!Number.isInteger(c.lifetimeSeconds) || c.lifetimeSeconds <= 0) {
    throw new TypeError('lifetimeSeconds must be a positive integer');
  }
  const audiences = typeof c.audience === 'string' ? [c.audience] : [...c.audience];
  if (audiences.length === 0) throw new TypeError('audience is required');
  // Whole seconds, so the times written are exactly the times returned.
  const issuedAt = Math.floor((c.now ?? Date.now()) / 1000) * 1000;
  const expiresAt = issuedAt + c.lifetimeSeconds * 1000;
  // xs:ID is an NCName: it must not start with a digit (SAML core §1.3.4).
  const id = `_${randomBytes(20).toString('hex')}`;
  const [iat, exp] = [samlTime(issuedAt), samlTime(expiresAt)];
  const xml =
    `<saml:Assertion xmlns:saml="${SAML_NS}" ID="${id}" IssueInstant="${iat}" Version="2.0">` +
    `<saml:Issuer>${text(required(c.issuer, 'issuer'), 'issuer')}</saml:Issuer>` +
    '<saml:Subject>' +
    `<saml:NameID Format="${attr(c.nameIdFormat ?? NAMEID_UNSPECIFIED, 'nameIdFormat')}">${text(required(c.nameId, 'nameId'), 'nameId')}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="${CM_BEARER}">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${exp}" Recipient="${attr(required(c.recipient, 'recipient'), 'recipient')}"/>` +
    '</saml:SubjectConfirmation>' +
    '</saml:Subject>' +
    `<saml:Conditions NotBefore="${iat}" NotOnOrAfter="${exp}">` +
    '<saml:AudienceRestriction>' +
    audiences
      .map((a) => `<saml:Audience>${text(required(a, 'audience'), 'audience')}</saml:Audience>`)
      .join('') +
    '</saml:AudienceRestriction>' +
    '</saml:Conditions>' +
    (c.authnStatement
      ? `<saml:AuthnStatement AuthnInstant="${iat}"><saml:AuthnContext>` +
        `<saml:AuthnContextClassRef>${AC_UNSPECIFIED}</saml:AuthnContextClassRef>` +
        '</saml:AuthnContext></saml:AuthnStatement>'
      : '') +
    attributeStatement(c.attributes) +
    '</saml:Assertion>';
  return { xml, id, issuedAt, expiresAt };
}
