/**
 * Runs a query of the SOQL subset: parse (soql/), resolve the object and the
 * fields against the definitions, then filter, sort and limit the object's rows
 * in the server. The WHERE is evaluated here rather than translated to SQL: the
 * literals never reach a statement, and the semantics (case-insensitive text,
 * nulls, ids of either length) are the same on both databases. The cost is a
 * scan of the object's records per query (docs/resource-server.md).
 */
import type { ServerContext } from '../../context.ts';
import type { SoqlQuery } from '../soql/ast.ts';
import { SoqlSyntaxError } from '../soql/errors.ts';
import { parseSoql } from '../soql/parser.ts';
import { invalidQueryField, invalidType, malformedQuery, noSuchColumn } from './errors.ts';
import { comparator, compileCondition } from './filter.ts';
import { recordJson } from './format.ts';
import { type FieldDef, fieldNamed, type ObjectDef, objectNamed } from './objects.ts';
import { rowsOf } from './rows.ts';

export interface QueryResult {
  totalSize: number;
  done: true;
  records: Record<string, unknown>[];
}

function parse(text: string): SoqlQuery {
  try {
    return parseSoql(text);
  } catch (e) {
    if (e instanceof SoqlSyntaxError) throw malformedQuery(text, e.pos, e.reason);
    throw e;
  }
}

function field(text: string, def: ObjectDef, name: string, pos: number): FieldDef {
  const f = fieldNamed(def, name);
  if (!f) throw invalidQueryField(text, pos, noSuchColumn(name, def.name));
  return f;
}

/** Answers `GET …/query?q=` for the org; every row of the result in one response (`done: true`). */
export async function runQuery(ctx: ServerContext, text: string, version: string): Promise<QueryResult> {
  const q = parse(text);
  const def = objectNamed(q.object.name);
  if (!def) throw invalidType(text, q.object.pos, q.object.name);
  const fields = q.fields.map((n) => field(text, def, n.name, n.pos));
  const predicates = q.where.map((c) =>
    compileCondition(text, field(text, def, c.field.name, c.field.pos), c),
  );
  const order =
    q.orderBy && comparator(field(text, def, q.orderBy.field.name, q.orderBy.field.pos), q.orderBy);

  let rows = (await rowsOf(ctx, def)).filter((row) => predicates.every((p) => p(row)));
  if (order) rows.sort(order);
  if (q.limit !== null) rows = rows.slice(0, q.limit);
  return {
    totalSize: rows.length,
    done: true,
    records: rows.map((row) => recordJson(def, row, version, fields)),
  };
}
