/** Human-readable output: aligned tables and `key: value` blocks. `--json` bypasses all of it. */

export type Row = Record<string, unknown>;

export function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.map(cell).join(',') : '-';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).replace(/[\r\n\t]+/g, ' ');
}

/** Columns: [heading, key or getter]. An empty list prints "(none)". */
export function table(rows: Row[], columns: [string, string | ((r: Row) => unknown)][]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => columns.map(([, k]) => cell(typeof k === 'string' ? r[k] : k(r))));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (parts: string[]) =>
    parts
      .map((p, i) => (i === parts.length - 1 ? p : p.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map(([h]) => h)), ...cells.map(line)].join('\n') + '\n';
}

/** `key: value` lines, keys aligned. */
export function fields(pairs: [string, unknown][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 2)}${cell(v)}`).join('\n') + '\n';
}

export function json(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}
