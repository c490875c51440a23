/**
 * The SOQL tokenizer: names, quoted strings (with SOQL's backslash escapes),
 * numbers, unquoted dates and date-times, comparison operators and punctuation.
 * Whitespace separates tokens and is dropped. Anything else is a syntax error
 * at its position. Keywords are not told apart here: they are names the parser
 * compares case-insensitively.
 */
import { SoqlSyntaxError } from './errors.ts';

export type TokenKind = 'name' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for a string: the decoded value). */
  text: string;
  pos: number;
}

/** The longest query we read; Salesforce's limit is 100,000 characters. */
export const MAX_QUERY_LENGTH = 100_000;

const NAME = /[A-Za-z][A-Za-z0-9_]*/y;
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?![A-Za-z0-9_])/y;
const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})(?![A-Za-z0-9_])/y;
const DATE = /\d{4}-\d{2}-\d{2}(?![A-Za-z0-9_:T])/y;
const OPERATOR = /!=|<>|<=|>=|=|<|>/y;
const PUNCT = /[,().*:]/y;
const SPACE = /\s+/y;

/** SOQL's escapes inside quotes (LIKE's \_ and \% stay as written, as Salesforce keeps them). */
const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
  _: '\\_',
  '%': '\\%',
};

function match(re: RegExp, text: string, pos: number): string | undefined {
  re.lastIndex = pos;
  return re.exec(text)?.[0];
}

function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") return { value, end: i + 1 };
    if (c === '\\') {
      const e = ESCAPES[text[i + 1] ?? ''];
      if (e === undefined) throw new SoqlSyntaxError(i, 'Invalid string literal: illegal escape sequence');
      value += e;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new SoqlSyntaxError(start, 'unterminated string literal');
}

export function tokenize(text: string): Token[] {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new SoqlSyntaxError(MAX_QUERY_LENGTH, `the query is longer than ${MAX_QUERY_LENGTH} characters`);
  }
  const out: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const space = match(SPACE, text, pos);
    if (space) {
      pos += space.length;
      continue;
    }
    if (text[pos] === "'") {
      const s = readString(text, pos);
      out.push({ kind: 'string', text: s.value, pos });
      pos = s.end;
      continue;
    }
    const kinds: [TokenKind, RegExp][] = [
      ['datetime', DATETIME],
      ['date', DATE],
      ['number', NUMBER],
      ['name', NAME],
      ['op', OPERATOR],
      ['punct', PUNCT],
    ];
    const found = kinds.map(([kind, re]) => [kind, match(re, text, pos)] as const).find(([, m]) => m);
    if (!found) throw new SoqlSyntaxError(pos, `unexpected token: '${text[pos]}'`);
    const [kind, m] = found;
    out.push({ kind, text: m!, pos });
    pos += m!.length;
  }
  out.push({ kind: 'eof', text: '<EOF>', pos });
  return out;
}
