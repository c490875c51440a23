/**
 * The SOQL subset we accept (docs/resource-server.md "Query"), as a syntax tree:
 *
 *   SELECT field [, field …] FROM Object
 *     [WHERE field op literal [AND field op literal …]]
 *     [ORDER BY field [ASC | DESC] [NULLS FIRST | NULLS LAST]]
 *     [LIMIT n]
 *
 * with op `=` or `!=`, and literals 'string', numbers, true, false, null, dates
 * (2024-05-01) and date-times (2024-05-01T10:20:30Z). Keywords are case-insensitive.
 * Names are kept as written; the executor resolves them against the object definitions.
 * Every node carries `pos`, its offset in the query text, for Salesforce's error messages.
 */

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  /** `YYYY-MM-DD`, unquoted. */
  | { kind: 'date'; value: string }
  /** An unquoted date-time with `Z` or an offset; `value` is epoch milliseconds. */
  | { kind: 'datetime'; value: number };

export interface Name {
  name: string;
  pos: number;
}

export type Operator = '=' | '!=';

export interface Condition {
  field: Name;
  op: Operator;
  value: Literal;
  /** Offset of the literal. */
  valuePos: number;
}

export interface OrderBy {
  field: Name;
  direction: 'ASC' | 'DESC';
  /** Salesforce's default: nulls first when ascending, last when descending. */
  nulls: 'FIRST' | 'LAST';
}

export interface SoqlQuery {
  fields: Name[];
  object: Name;
  where: Condition[];
  orderBy: OrderBy | null;
  limit: number | null;
}
