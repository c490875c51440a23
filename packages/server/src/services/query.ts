/** Query-string parameters for admin list routes: known names only, each given once. */
import { bad } from './validate.ts';

export function stringParams(query: unknown, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof query !== 'object' || query === null) return out;
  for (const [k, v] of Object.entries(query)) {
    if (!allowed.includes(k)) throw bad(k, 'is not a known query parameter');
    if (typeof v !== 'string') throw bad(k, 'may be given only once');
    out[k] = v;
  }
  return out;
}
