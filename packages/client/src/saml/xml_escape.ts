/** Escaping for the values the builder writes (XML 1.0 §2.4, §3.3.3). */

/** XML 1.0 §2.2: characters a document may not contain at all, even as references. */
function hasForbiddenChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) return true;
  }
  return false;
}

function check(value: string, what: string): void {
  if (hasForbiddenChar(value)) throw new TypeError(`${what} contains a character XML does not allow`);
}

/** Text content: `&` and `<` must be escaped; `>` too, for `]]>`; CR as a reference so it survives. */
export function escapeText(value: string, what: string): string {
  check(value, what);
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** Attribute values in double quotes; whitespace as references so attribute normalisation keeps it. */
export function escapeAttribute(value: string, what: string): string {
  check(value, what);
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}
