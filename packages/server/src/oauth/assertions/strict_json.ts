/**
 * JSON for JOSE headers and JWT claim sets: UTF-8, one object, unique member names.
 *
 * RFC 7515 §4 and RFC 7519 §4: member names MUST be unique; a parser MUST
 * either reject duplicates or use only the lexically last one. We reject
 * (security catalogue J22): with last-wins, any other component that reads the
 * same bytes with a first-wins parser would see a different `sub` or `alg`.
 * Names are compared after JSON unescaping, so `"s\u0075b"` duplicates `"sub"`.
 */

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The object encoded in `bytes`, or null: invalid UTF-8, not JSON, not an object, or a duplicate name. */
export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | null {
  let text: string;
  let value: unknown;
  try {
    // A BOM is kept (ignoreBOM) so JSON.parse refuses it: RFC 8259 §8.1.
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  if (hasDuplicateNames(text)) return null;
  return value as Record<string, unknown>;
}

/**
 * Scans text that JSON.parse has already accepted and reports whether any
 * object repeats a member name, at any depth.
 */
export function hasDuplicateNames(json: string): boolean {
  // One entry per open container: the names seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '{') {
      open.push(new Set());
      expectName = true;
    } else if (c === '[') {
      open.push(null);
      expectName = false;
    } else if (c === '}' || c === ']') {
      open.pop();
      expectName = false;
    } else if (c === ',') {
      expectName = open[open.length - 1] instanceof Set;
    } else if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (expectName) {
        const names = open[open.length - 1] as Set<string>;
        const name = JSON.parse(json.slice(i, end + 1)) as string;
        if (names.has(name)) return true;
        names.add(name);
        expectName = false;
      }
      i = end;
    }
  }
  return false;
}
