/**
 * A query we refuse for its syntax: Salesforce answers 400 `MALFORMED_QUERY`
 * with the offending line, a caret under the position and the token it did not
 * expect. The message is built here; the HTTP shape is the caller's.
 */

export class SoqlSyntaxError extends Error {
  constructor(
    /** Offset into the query text. */
    readonly pos: number,
    /** What went wrong, e.g. `unexpected token: 'OR'`. */
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'SoqlSyntaxError';
  }
}

/** `Row:r:Column:c` (both 1-based) of an offset. */
export function rowColumn(text: string, pos: number): { row: number; column: number } {
  const before = text.slice(0, pos);
  const row = before.split('\n').length;
  return { row, column: pos - (before.lastIndexOf('\n') + 1) + 1 };
}

/**
 * Salesforce's layout: a newline, the query line, a caret under the column,
 * `ERROR at Row:r:Column:c`, then the reason.
 */
export function positionedMessage(text: string, pos: number, reason: string): string {
  const { row, column } = rowColumn(text, pos);
  const line = text.split('\n')[row - 1] ?? '';
  return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${reason}`;
}
