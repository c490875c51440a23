/**
 * Conditions of the signed Assertion (RFC 7522 §3 items 2, 6, 11; SAML core §2.5):
 * the validity window with clock skew, and AudienceRestriction — every one
 * present must name an audience we accept (SAML core §2.5.1.4). Unknown
 * conditions make the assertion indeterminate, so they are refused (S18).
 */
import type { Element } from '@xmldom/xmldom';
import { NS } from './constants.ts';
import { attr, childElements, exactlyOne, samlChildren, simpleText } from './dom.ts';
import { invalidAssertion, quoted } from './errors.ts';
import { type Clock, notBeforeOk, notOnOrAfterOk, optionalSamlTime } from './time.ts';

const KNOWN_CONDITIONS = new Set(['AudienceRestriction', 'OneTimeUse']);
const MAX_AUDIENCE_LENGTH = 2048;

export interface ConditionClaims {
  notBefore: number | undefined;
  notOnOrAfter: number | undefined;
  /** The accepted audience the assertion named. */
  audience: string;
}

function checkAudiences(conditions: Element, accepted: readonly string[]): string {
  const restrictions = samlChildren(conditions, 'AudienceRestriction');
  if (restrictions.length === 0) throw invalidAssertion('Conditions has no AudienceRestriction');
  let matched: string | undefined;
  for (const r of restrictions) {
    const audiences = childElements(r).map((a) => {
      if (a.namespaceURI !== NS.saml || a.localName !== 'Audience') {
        throw invalidAssertion('AudienceRestriction has unexpected content');
      }
      return simpleText(a, 'Audience', MAX_AUDIENCE_LENGTH);
    });
    // Exact comparison: no prefix, case or trailing-slash leniency (S13, J12).
    const hit = audiences.find((a) => accepted.includes(a));
    if (hit === undefined)
      throw invalidAssertion('audience is invalid: this server is not named in an AudienceRestriction');
    matched ??= hit;
  }
  return matched!;
}

export function readConditions(root: Element, accepted: readonly string[], clock: Clock): ConditionClaims {
  const conditions = exactlyOne(root, NS.saml, 'Conditions');
  for (const c of childElements(conditions)) {
    if (c.namespaceURI !== NS.saml || !KNOWN_CONDITIONS.has(c.localName ?? '')) {
      throw invalidAssertion(`unsupported condition ${quoted(c.localName)}`);
    }
  }
  if (samlChildren(conditions, 'OneTimeUse').length > 1)
    throw invalidAssertion('OneTimeUse appears more than once');
  const notBefore = optionalSamlTime(attr(conditions, 'NotBefore'), 'Conditions NotBefore');
  const notOnOrAfter = optionalSamlTime(attr(conditions, 'NotOnOrAfter'), 'Conditions NotOnOrAfter');
  if (notBefore !== undefined && notOnOrAfter !== undefined && notBefore >= notOnOrAfter) {
    throw invalidAssertion('Conditions NotBefore is not before NotOnOrAfter');
  }
  if (!notBeforeOk(clock, notBefore))
    throw invalidAssertion('assertion is not yet valid (Conditions NotBefore)');
  if (!notOnOrAfterOk(clock, notOnOrAfter))
    throw invalidAssertion('assertion has expired (Conditions NotOnOrAfter)');
  return { notBefore, notOnOrAfter, audience: checkAudiences(conditions, accepted) };
}
