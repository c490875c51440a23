/**
 * The Subject of the signed Assertion (RFC 7522 §3 items 3, 7; SAML core §2.4;
 * SAML profiles §4.1.4.2): one NameID naming the user, and at least one bearer
 * SubjectConfirmation whose SubjectConfirmationData names our token endpoint as
 * Recipient and carries a NotOnOrAfter still in the future.
 */
import type { Element } from '@xmldom/xmldom';
import { CM_BEARER, NS } from './constants.ts';
import { attr, childElements, exactlyOne, isElement, samlChildren, simpleText } from './dom.ts';
import { invalidAssertion } from './errors.ts';
import { type Clock, notBeforeOk, notOnOrAfterOk, optionalSamlTime, parseSamlTime } from './time.ts';

export interface SubjectClaims {
  nameId: string;
  nameIdFormat: string | null;
  /** NotOnOrAfter of the bearer confirmation that was satisfied. */
  confirmationExpiresAt: number;
}

function readNameId(subject: Element): { nameId: string; nameIdFormat: string | null } {
  const first = childElements(subject)[0];
  if (!first || !isElement(first, NS.saml, 'NameID')) {
    // BaseID and EncryptedID are valid SAML but name no user we can look up.
    throw invalidAssertion('Subject must identify the user with a NameID');
  }
  // Taken whole (wholeText): a split NameID is never shortened to its first part.
  return { nameId: simpleText(first, 'NameID'), nameIdFormat: attr(first, 'Format') ?? null };
}

/** One bearer confirmation: the expiry it grants, or the reason it fails. */
function checkBearer(sc: Element, recipient: string, clock: Clock): number {
  const data = samlChildren(sc, 'SubjectConfirmationData');
  if (data.length === 0) throw invalidAssertion('bearer SubjectConfirmation has no SubjectConfirmationData');
  if (data.length > 1) throw invalidAssertion('SubjectConfirmationData appears more than once');
  const d = data[0]!;
  const to = attr(d, 'Recipient');
  if (to === undefined) throw invalidAssertion('SubjectConfirmationData Recipient is missing');
  // Simple string comparison with the configured URL, never one rebuilt from request headers (S14).
  if (to !== recipient)
    throw invalidAssertion('SubjectConfirmationData Recipient is not this token endpoint');
  const notOnOrAfter = parseSamlTime(attr(d, 'NotOnOrAfter'), 'SubjectConfirmationData NotOnOrAfter');
  const notBefore = optionalSamlTime(attr(d, 'NotBefore'), 'SubjectConfirmationData NotBefore');
  if (!notOnOrAfterOk(clock, notOnOrAfter)) {
    throw invalidAssertion('SubjectConfirmationData NotOnOrAfter has passed');
  }
  if (!notBeforeOk(clock, notBefore))
    throw invalidAssertion('SubjectConfirmationData NotBefore is in the future');
  return notOnOrAfter;
}

export function readSubject(root: Element, recipient: string, clock: Clock): SubjectClaims {
  const subject = exactlyOne(root, NS.saml, 'Subject');
  const { nameId, nameIdFormat } = readNameId(subject);
  const bearers = samlChildren(subject, 'SubjectConfirmation').filter(
    (sc) => attr(sc, 'Method') === CM_BEARER,
  );
  if (bearers.length === 0) throw invalidAssertion('Subject has no bearer SubjectConfirmation');
  // SAML core §2.4.1.1: the subject is confirmed when any one confirmation is satisfied.
  let firstFailure: unknown;
  for (const sc of bearers) {
    try {
      return { nameId, nameIdFormat, confirmationExpiresAt: checkBearer(sc, recipient, clock) };
    } catch (err) {
      firstFailure ??= err;
    }
  }
  throw firstFailure;
}
