/**
 * SAML time values (SAML core §1.3.3): xs:dateTime in UTC, written with `Z`.
 * Fractions of a second beyond milliseconds are truncated.
 */
import { invalidAssertion } from './errors.ts';

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/;

/** Epoch milliseconds, or invalid_grant naming the attribute. */
export function parseSamlTime(value: string | undefined, what: string): number {
  if (value === undefined) throw invalidAssertion(`${what} is missing`);
  const m = DATE_TIME.exec(value);
  const ms = m ? Date.parse(`${m[1]}${(m[2] ?? '').slice(0, 4)}Z`) : Number.NaN;
  // Date.parse rolls 30 February over into March; a real date reads back unchanged.
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 19) !== m?.[1]) {
    throw invalidAssertion(`${what} is not a UTC xs:dateTime`);
  }
  return ms;
}

/** Optional attribute: undefined when absent, else parsed. */
export function optionalSamlTime(value: string | undefined, what: string): number | undefined {
  return value === undefined ? undefined : parseSamlTime(value, what);
}

/** The checks every time value gets, with the allowed clock skew (RFC 7522 §3 items 5–6). */
export interface Clock {
  now: number;
  skewMs: number;
}

export function notBeforeOk(c: Clock, notBefore: number | undefined): boolean {
  return notBefore === undefined || c.now + c.skewMs >= notBefore;
}

export function notOnOrAfterOk(c: Clock, notOnOrAfter: number | undefined): boolean {
  return notOnOrAfter === undefined || c.now - c.skewMs < notOnOrAfter;
}
