/**
 * Everything the grant learns, read from the canonical XML the signature covers
 * and from nothing else (the common root cause of CVE-2025-54419, CVE-2025-47949,
 * CVE-2024-45409: checking one node and reading another). The signed copy must
 * be the same Assertion (ID) from the same Issuer as the untrusted look said.
 */
import type { Element } from '@xmldom/xmldom';
import { readAttributes, type SamlAttributeValue } from './attributes.ts';
import { readConditions } from './conditions.ts';
import { NS } from './constants.ts';
import { attr, childElements } from './dom.ts';
import { assertionHeader, readIssuer, type UntrustedSamlAssertion } from './envelope.ts';
import { invalidAssertion, quoted } from './errors.ts';
import { parseXml } from './parse.ts';
import { readSubject } from './subject.ts';
import { type Clock, parseSamlTime } from './time.ts';

/** What the signed Assertion may contain (SAML core §2.3.3), Signature removed by the transform. */
const ALLOWED_CHILDREN = new Set(['Issuer', 'Subject', 'Conditions', 'AuthnStatement', 'AttributeStatement']);

export interface ClaimsOptions {
  /** The audiences we accept (same set as the JWT bearer grant). */
  audiences: readonly string[];
  /** Our token endpoint URL: the only acceptable Recipient. */
  recipient: string;
  maxLifetimeSeconds: number;
  clock: Clock;
}

export interface VerifiedSamlAssertion {
  id: string;
  issuer: string;
  /** The username the assertion is for, whole and exact. */
  nameId: string;
  nameIdFormat: string | null;
  audience: string;
  attributes: Record<string, SamlAttributeValue>;
  issuedAt: number;
  /** The earliest NotOnOrAfter (Conditions, and the bearer confirmation used). */
  expiresAt: number;
}

function checkChildren(root: Element): void {
  for (const c of childElements(root)) {
    if (c.namespaceURI !== NS.saml || !ALLOWED_CHILDREN.has(c.localName ?? '')) {
      // Advice may carry other assertions; Statement/AuthzDecisionStatement mean nothing here.
      throw invalidAssertion(`unsupported ${quoted(c.localName)} in the Assertion`);
    }
  }
}

export function readSignedAssertion(
  signedXml: string,
  untrusted: UntrustedSamlAssertion,
  o: ClaimsOptions,
): VerifiedSamlAssertion {
  const { root } = parseXml(signedXml);
  const { id } = assertionHeader(root);
  if (id !== untrusted.id) throw invalidAssertion('signed Assertion is not the one presented');
  checkChildren(root);
  const issuer = readIssuer(root);
  if (issuer !== untrusted.issuer) throw invalidAssertion('signed Issuer is not the one presented');

  const issuedAt = parseSamlTime(attr(root, 'IssueInstant'), 'IssueInstant');
  if (issuedAt > o.clock.now + o.clock.skewMs) throw invalidAssertion('IssueInstant is in the future');
  const conditions = readConditions(root, o.audiences, o.clock);
  const subject = readSubject(root, o.recipient, o.clock);
  const expiresAt = Math.min(
    conditions.notOnOrAfter ?? Number.POSITIVE_INFINITY,
    subject.confirmationExpiresAt,
  );
  // RFC 7522 §3 item 5: an expiry unreasonably far in the future may be refused; the app sets how far.
  if (expiresAt - issuedAt > o.maxLifetimeSeconds * 1000) {
    throw invalidAssertion(`assertion lifetime exceeds ${o.maxLifetimeSeconds} seconds`);
  }
  return {
    id,
    issuer,
    nameId: subject.nameId,
    nameIdFormat: subject.nameIdFormat,
    audience: conditions.audience,
    attributes: readAttributes(root),
    issuedAt,
    expiresAt,
  };
}
