/**
 * Strict calendar checks for date and date-time literals: `Date.parse` alone
 * accepts 30 February (it rolls over), Salesforce does not.
 */

/** `YYYY-MM-DD` naming a real day. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

/** Epoch milliseconds of `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`, or undefined when it names no real time. */
export function parseDateTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(text);
  if (!m || !isCalendarDate(m[1]!)) return undefined;
  const [h, min, s, oh, om] = [m[2], m[3], m[4], m[5] ?? '0', m[6] ?? '0'].map(Number) as number[];
  if (h! > 23 || min! > 59 || s! > 59 || oh! > 14 || om! > 59) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
