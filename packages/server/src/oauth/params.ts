/**
 * Request parameters as the core sees them: single-valued. A parameter sent
 * twice is refused (RFC 6749 §3.1, §3.2) and an empty value counts as absent.
 */
import { OAuthError } from './errors.ts';

export type Params = ReadonlyMap<string, string>;

/** Parses an application/x-www-form-urlencoded body, refusing repeated parameters. */
export function parseForm(body: string): Params {
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(body)) {
    if (out.has(k)) throw new OAuthError('invalid_request', `parameter ${k} was sent more than once`);
    out.set(k, v);
  }
  for (const [k, v] of out) if (v === '') out.delete(k);
  return out;
}

/** A required parameter, or invalid_request naming it. */
export function required(params: Params, name: string): string {
  const v = params.get(name);
  if (v === undefined) throw new OAuthError('invalid_request', `${name} is missing`);
  return v;
}
