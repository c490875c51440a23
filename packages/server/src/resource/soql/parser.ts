/**
 * A recursive-descent parser for our SOQL subset (ast.ts has the grammar).
 * Everything outside it — OR, LIKE, IN, subqueries, functions, relationship
 * paths, GROUP BY, OFFSET … — stops at its first token with Salesforce's
 * `unexpected token: '…'`, so a client sees MALFORMED_QUERY rather than an
 * answer to a different question.
 */
import type { Condition, Literal, Name, OrderBy, SoqlQuery } from './ast.ts';
import { isCalendarDate, parseDateTime } from './dates.ts';
import { SoqlSyntaxError } from './errors.ts';
import { type Token, tokenize } from './tokenizer.ts';

/** Words that end a clause; they cannot be field or object names here. */
const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'ORDER',
  'BY',
  'ASC',
  'DESC',
  'NULLS',
  'LIMIT',
  'OFFSET',
  'GROUP',
  'HAVING',
  'LIKE',
  'IN',
  'INCLUDES',
  'EXCLUDES',
  'TRUE',
  'FALSE',
  'NULL',
  'USING',
  'WITH',
  'FOR',
  'TYPEOF',
]);

/** LIMIT's ceiling: what fits a 32-bit integer, as Salesforce's parser reads it. */
const MAX_LIMIT = 2_147_483_647;

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private unexpected(t: Token = this.peek()): never {
    throw new SoqlSyntaxError(t.pos, `unexpected token: '${t.text}'`);
  }

  private isKeyword(word: string, t: Token = this.peek()): boolean {
    return t.kind === 'name' && t.text.toUpperCase() === word;
  }

  private keyword(word: string): void {
    if (!this.isKeyword(word)) this.unexpected();
    this.next();
  }

  private name(): Name {
    const t = this.peek();
    if (t.kind !== 'name' || RESERVED.has(t.text.toUpperCase())) this.unexpected();
    this.next();
    // A relationship path (Account.Name) or a function call (COUNT()) is not in the subset.
    const after = this.peek();
    if (after.kind === 'punct' && (after.text === '.' || after.text === '(')) this.unexpected(after);
    return { name: t.text, pos: t.pos };
  }

  private literal(): Literal {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.text };
      case 'number':
        return { kind: 'number', value: Number(t.text) };
      case 'date':
        if (!isCalendarDate(t.text)) this.unexpected(t);
        return { kind: 'date', value: t.text };
      case 'datetime': {
        const ms = parseDateTime(t.text);
        if (ms === undefined) this.unexpected(t);
        return { kind: 'datetime', value: ms };
      }
      case 'name': {
        const w = t.text.toUpperCase();
        if (w === 'TRUE' || w === 'FALSE') return { kind: 'boolean', value: w === 'TRUE' };
        if (w === 'NULL') return { kind: 'null' };
        return this.unexpected(t);
      }
      default:
        return this.unexpected(t);
    }
  }

  private condition(): Condition {
    const field = this.name();
    const op = this.next();
    if (op.kind !== 'op' || (op.text !== '=' && op.text !== '!=')) this.unexpected(op);
    const valuePos = this.peek().pos;
    return { field, op: op.text as '=' | '!=', value: this.literal(), valuePos };
  }

  private orderBy(): OrderBy {
    this.keyword('ORDER');
    this.keyword('BY');
    const field = this.name();
    let direction: OrderBy['direction'] = 'ASC';
    if (this.isKeyword('ASC') || this.isKeyword('DESC')) direction = this.next().text.toUpperCase() as 'ASC';
    let nulls: OrderBy['nulls'] = direction === 'ASC' ? 'FIRST' : 'LAST';
    if (this.isKeyword('NULLS')) {
      this.next();
      if (!this.isKeyword('FIRST') && !this.isKeyword('LAST')) this.unexpected();
      nulls = this.next().text.toUpperCase() as 'FIRST';
    }
    if (this.peek().kind === 'punct' && this.peek().text === ',') this.unexpected();
    return { field, direction, nulls };
  }

  private limit(): number {
    this.keyword('LIMIT');
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text) || Number(t.text) > MAX_LIMIT) this.unexpected(t);
    return Number(t.text);
  }

  query(): SoqlQuery {
    this.keyword('SELECT');
    const fields: Name[] = [this.name()];
    while (this.peek().kind === 'punct' && this.peek().text === ',') {
      this.next();
      fields.push(this.name());
    }
    const seen = new Set<string>();
    for (const f of fields) {
      const key = f.name.toLowerCase();
      if (seen.has(key)) throw new SoqlSyntaxError(f.pos, `duplicate field selected: ${f.name}`);
      seen.add(key);
    }
    this.keyword('FROM');
    const object = this.name();
    const where: Condition[] = [];
    if (this.isKeyword('WHERE')) {
      this.next();
      where.push(this.condition());
      while (this.isKeyword('AND')) {
        this.next();
        where.push(this.condition());
      }
    }
    const orderBy = this.isKeyword('ORDER') ? this.orderBy() : null;
    const limit = this.isKeyword('LIMIT') ? this.limit() : null;
    if (this.peek().kind !== 'eof') this.unexpected();
    return { fields, object, where, orderBy, limit };
  }
}

/** Parses a query of the subset, or throws SoqlSyntaxError at the first token outside it. */
export function parseSoql(text: string): SoqlQuery {
  return new Parser(tokenize(text)).query();
}
