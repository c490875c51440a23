/**
 * An API error, placed on the form: the API's `field` (`accessToken.ttlSeconds`,
 * `callbackUrls[1]`, `certificates[0]` …) names a form field — the console's forms use the
 * API's own names — and the message goes next to it. Errors without a field, or naming one
 * the form does not have, are shown at the top of the form.
 */
import { type ApiError, sentence } from './api.ts';
import type { FieldErrors } from './fields.ts';

export interface FormErrors {
  fields: FieldErrors;
  form?: string;
}

export interface ErrorMapping {
  /** The form's field names. */
  fields: readonly string[];
  /** Overrides: the form field of an API field (e.g. `certificates[1]` → the file input). */
  rename?: (apiField: string) => string | undefined;
  /** The lists the console sent, to quote the entry an indexed error names. */
  sent?: Readonly<Record<string, readonly string[]>>;
}

const INDEXED = /^([A-Za-z.]+)\[(\d+)\]$/;

export function formErrors(e: ApiError, map: ErrorMapping): FormErrors {
  const field = e.field;
  if (!field) return { fields: {}, form: sentence(e.description) };
  const m = INDEXED.exec(field);
  const base = m?.[1];
  const name =
    map.rename?.(field) ??
    (map.fields.includes(field) ? field : base && map.fields.includes(base) ? base : undefined);
  if (!name) return { fields: {}, form: sentence(e.description) };
  let message = sentence(e.description, field);
  const entry = m && base ? map.sent?.[base]?.[Number(m[2])] : undefined;
  if (entry !== undefined) message = `“${entry}”: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  return { fields: { [name]: message } };
}

/** No errors: a form shown for the first time. */
export const NO_ERRORS: FormErrors = { fields: {} };
