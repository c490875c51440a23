/**
 * WHERE and ORDER BY over rows, with SOQL's semantics: text compares without
 * regard to case, `!=` is the negation of `=` (so it matches nulls), a literal
 * must have the field's type (quoted only for text and ids), ids match in their
 * 15- or 18-character form, and ascending order puts nulls first.
 */
import type { RecordValue } from '../../store/interfaces.ts';
import type { Condition, Literal, OrderBy } from '../soql/ast.ts';
import { invalidIdFilter, invalidQueryField } from './errors.ts';
import { id18 } from './format.ts';
import type { FieldDef, FieldType } from './objects.ts';
import type { Row } from './rows.ts';

const TEXT: ReadonlySet<FieldType> = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist']);
const NUMBER: ReadonlySet<FieldType> = new Set(['int', 'double', 'currency', 'percent']);

/** The literal kind a field takes, and its name in Salesforce's messages. */
function expected(type: FieldType): { kind: Literal['kind']; label: string } {
  if (TEXT.has(type) || type === 'id' || type === 'reference') return { kind: 'string', label: 'string' };
  if (NUMBER.has(type)) return { kind: 'number', label: type === 'int' ? 'integer' : 'double' };
  if (type === 'boolean') return { kind: 'boolean', label: 'boolean' };
  if (type === 'date') return { kind: 'date', label: 'date' };
  return { kind: 'datetime', label: 'dateTime' };
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

function sameText(a: RecordValue, b: string): boolean {
  return typeof a === 'string' && collator.compare(a, b) === 0;
}

/** A predicate for one condition, after checking the literal against the field's type. */
export function compileCondition(query: string, field: FieldDef, c: Condition): (row: Row) => boolean {
  const lit = c.value;
  let equals: (v: RecordValue) => boolean;
  if (lit.kind === 'null') {
    equals = (v) => v === null || v === undefined;
  } else {
    const want = expected(field.type);
    if (lit.kind !== want.kind) {
      const quoting =
        want.kind === 'string' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
      throw invalidQueryField(
        query,
        c.valuePos,
        `value of filter criterion for field '${field.name}' must be of type ${want.label} and ${quoting}`,
      );
    }
    if (field.type === 'id' || field.type === 'reference') {
      const id = id18(lit.value as string);
      if (!id) throw invalidIdFilter(query, c.valuePos, lit.value as string);
      equals = (v) => v === id;
    } else if (lit.kind === 'string') {
      equals = (v) => sameText(v, lit.value);
    } else {
      const value = lit.value;
      equals = (v) => v === value;
    }
  }
  const name = field.name;
  return c.op === '=' ? (row) => equals(row[name] ?? null) : (row) => !equals(row[name] ?? null);
}

function compareValues(type: FieldType, a: RecordValue, b: RecordValue): number {
  if (typeof a === 'string' && typeof b === 'string') {
    return TEXT.has(type)
      ? collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)
      : a < b
        ? -1
        : a > b
          ? 1
          : 0;
  }
  return Number(a) - Number(b);
}

/** A comparator for ORDER BY (stable sort keeps creation order among equals). */
export function comparator(field: FieldDef, o: OrderBy): (a: Row, b: Row) => number {
  const sign = o.direction === 'ASC' ? 1 : -1;
  const nullFirst = o.nulls === 'FIRST' ? -1 : 1;
  return (x, y) => {
    const a = x[field.name] ?? null;
    const b = y[field.name] ?? null;
    if (a === null || b === null) return a === b ? 0 : a === null ? nullFirst : -nullFirst;
    return sign * compareValues(field.type, a, b);
  };
}
