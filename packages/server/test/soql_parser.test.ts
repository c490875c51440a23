/**
 * The SOQL subset's tokenizer and parser, alone: every accepted form gives the
 * expected tree, and every form outside the subset is refused at the right
 * position with Salesforce's `unexpected token: '…'`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SoqlQuery } from '../src/resource/soql/ast.ts';
import { positionedMessage, SoqlSyntaxError } from '../src/resource/soql/errors.ts';
import { parseSoql } from '../src/resource/soql/parser.ts';
import { MAX_QUERY_LENGTH, tokenize } from '../src/resource/soql/tokenizer.ts';

/** The tree without positions, to compare shapes. */
function shape(q: SoqlQuery) {
  return {
    fields: q.fields.map((f) => f.name),
    object: q.object.name,
    where: q.where.map((c) => [c.field.name, c.op, c.value]),
    orderBy: q.orderBy && [q.orderBy.field.name, q.orderBy.direction, q.orderBy.nulls],
    limit: q.limit,
  };
}

const base = { where: [], orderBy: null, limit: null };

const ACCEPTED: [string, ReturnType<typeof shape>][] = [
  ['SELECT Id FROM Account', { fields: ['Id'], object: 'Account', ...base }],
  ['select id, name from account', { fields: ['id', 'name'], object: 'account', ...base }],
  ['  SELECT\n  Id ,Name\nFROM\tAccount  ', { fields: ['Id', 'Name'], object: 'Account', ...base }],
  [
    "SELECT Id FROM Account WHERE Name = 'Acme'",
    { fields: ['Id'], object: 'Account', ...base, where: [['Name', '=', { kind: 'string', value: 'Acme' }]] },
  ],
  [
    "SELECT Id FROM Account WHERE Name != 'x' AND Industry = null AND NumberOfEmployees = 10",
    {
      fields: ['Id'],
      object: 'Account',
      ...base,
      where: [
        ['Name', '!=', { kind: 'string', value: 'x' }],
        ['Industry', '=', { kind: 'null' }],
        ['NumberOfEmployees', '=', { kind: 'number', value: 10 }],
      ],
    },
  ],
  [
    'SELECT Id FROM Opportunity WHERE Amount = -12.5 and CloseDate = 2024-02-29',
    {
      fields: ['Id'],
      object: 'Opportunity',
      ...base,
      where: [
        ['Amount', '=', { kind: 'number', value: -12.5 }],
        ['CloseDate', '=', { kind: 'date', value: '2024-02-29' }],
      ],
    },
  ],
  [
    'SELECT Id FROM User WHERE IsActive = TRUE AND CreatedDate != 2024-05-01T10:20:30Z',
    {
      fields: ['Id'],
      object: 'User',
      ...base,
      where: [
        ['IsActive', '=', { kind: 'boolean', value: true }],
        ['CreatedDate', '!=', { kind: 'datetime', value: Date.UTC(2024, 4, 1, 10, 20, 30) }],
      ],
    },
  ],
  [
    'SELECT Id FROM User WHERE CreatedDate = 2024-05-01T12:20:30.5+02:00',
    {
      fields: ['Id'],
      object: 'User',
      ...base,
      where: [['CreatedDate', '=', { kind: 'datetime', value: Date.UTC(2024, 4, 1, 10, 20, 30, 500) }]],
    },
  ],
  [
    'SELECT Id FROM Account ORDER BY Name',
    { fields: ['Id'], object: 'Account', ...base, orderBy: ['Name', 'ASC', 'FIRST'] },
  ],
  [
    'SELECT Id FROM Account ORDER BY Name DESC',
    { fields: ['Id'], object: 'Account', ...base, orderBy: ['Name', 'DESC', 'LAST'] },
  ],
  [
    'SELECT Id FROM Account ORDER BY Name asc nulls last LIMIT 5',
    { fields: ['Id'], object: 'Account', ...base, orderBy: ['Name', 'ASC', 'LAST'], limit: 5 },
  ],
  [
    'SELECT Id FROM Account ORDER BY Name DESC NULLS FIRST',
    { fields: ['Id'], object: 'Account', ...base, orderBy: ['Name', 'DESC', 'FIRST'] },
  ],
  ['SELECT Id FROM ScratchOrgInfo limit 1', { fields: ['Id'], object: 'ScratchOrgInfo', ...base, limit: 1 }],
  ['SELECT Id FROM Account LIMIT 0', { fields: ['Id'], object: 'Account', ...base, limit: 0 }],
  [
    "SELECT Id FROM Account WHERE Name = 'O\\'Brien \\\\ \\n' LIMIT 2",
    {
      fields: ['Id'],
      object: 'Account',
      ...base,
      where: [['Name', '=', { kind: 'string', value: "O'Brien \\ \n" }]],
      limit: 2,
    },
  ],
  [
    "SELECT Id FROM Account WHERE Name = 'a OR b; DROP TABLE records'",
    {
      fields: ['Id'],
      object: 'Account',
      ...base,
      where: [['Name', '=', { kind: 'string', value: 'a OR b; DROP TABLE records' }]],
    },
  ],
];

/** [query, offset of the refusal, reason]. */
const REFUSED: [string, number, string][] = [
  ['', 0, "unexpected token: '<EOF>'"],
  ['SELECT', 6, "unexpected token: '<EOF>'"],
  ['SELECT FROM Account', 7, "unexpected token: 'FROM'"],
  ['SELECT Id Account', 10, "unexpected token: 'Account'"],
  ['SELECT Id FROM', 14, "unexpected token: '<EOF>'"],
  ['SELECT * FROM Account', 7, "unexpected token: '*'"],
  ['SELECT Id, FROM Account', 11, "unexpected token: 'FROM'"],
  ['SELECT Id, Name, id FROM Account', 17, 'duplicate field selected: id'],
  ['SELECT COUNT() FROM Account', 12, "unexpected token: '('"],
  ['SELECT Account.Name FROM Contact', 14, "unexpected token: '.'"],
  ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', 11, "unexpected token: '('"],
  ["SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b'", 40, "unexpected token: 'OR'"],
  ["SELECT Id FROM Account WHERE Name LIKE 'a%'", 34, "unexpected token: 'LIKE'"],
  ["SELECT Id FROM Account WHERE Name IN ('a')", 34, "unexpected token: 'IN'"],
  ['SELECT Id FROM Account WHERE Amount > 5', 36, "unexpected token: '>'"],
  ['SELECT Id FROM Account WHERE Amount <> 5', 36, "unexpected token: '<>'"],
  ["SELECT Id FROM Account WHERE NOT Name = 'a'", 29, "unexpected token: 'NOT'"],
  ["SELECT Id FROM Account WHERE (Name = 'a')", 29, "unexpected token: '('"],
  ['SELECT Id FROM Account WHERE', 28, "unexpected token: '<EOF>'"],
  ['SELECT Id FROM Account WHERE Name =', 35, "unexpected token: '<EOF>'"],
  ['SELECT Id FROM Account WHERE Name = Acme', 36, "unexpected token: 'Acme'"],
  ['SELECT Id FROM Account WHERE Name = :bind', 36, "unexpected token: ':'"],
  ['SELECT Id FROM Account WHERE CloseDate = TODAY', 41, "unexpected token: 'TODAY'"],
  ['SELECT Id FROM Account WHERE CloseDate = 2024-02-30', 41, "unexpected token: '2024-02-30'"],
  ["SELECT Id FROM Account WHERE Name = 'open", 36, 'unterminated string literal'],
  ["SELECT Id FROM Account WHERE Name = 'a\\q'", 38, 'Invalid string literal: illegal escape sequence'],
  [
    'SELECT Id FROM User WHERE CreatedDate = 2024-05-01T24:00:00Z',
    40,
    "unexpected token: '2024-05-01T24:00:00Z'",
  ],
  [
    'SELECT Id FROM User WHERE CreatedDate = 2023-02-29T10:00:00Z',
    40,
    "unexpected token: '2023-02-29T10:00:00Z'",
  ],
  ['SELECT Id FROM Account ORDER BY', 31, "unexpected token: '<EOF>'"],
  ['SELECT Id FROM Account ORDER BY Name, Id', 36, "unexpected token: ','"],
  ['SELECT Id FROM Account ORDER BY Name NULLS', 42, "unexpected token: '<EOF>'"],
  ['SELECT Id FROM Account ORDER Name', 29, "unexpected token: 'Name'"],
  ['SELECT Id FROM Account LIMIT', 28, "unexpected token: '<EOF>'"],
  ['SELECT Id FROM Account LIMIT -1', 29, "unexpected token: '-1'"],
  ['SELECT Id FROM Account LIMIT 1.5', 29, "unexpected token: '1.5'"],
  ['SELECT Id FROM Account LIMIT 99999999999', 29, "unexpected token: '99999999999'"],
  ['SELECT Id FROM Account LIMIT 5 OFFSET 5', 31, "unexpected token: 'OFFSET'"],
  ['SELECT Id FROM Account GROUP BY Name', 23, "unexpected token: 'GROUP'"],
  ['SELECT Id FROM Account LIMIT 1 ORDER BY Name', 31, "unexpected token: 'ORDER'"],
  ['SELECT Id FROM Account; DELETE', 22, "unexpected token: ';'"],
  ['SELECT Id FROM Account FOR UPDATE', 23, "unexpected token: 'FOR'"],
  ['SELECT Id FROM Account WHERE Name = "a"', 36, `unexpected token: '"'`],
  ['SELECT 1abc FROM Account', 7, "unexpected token: '1'"],
];

describe('SOQL subset: accepted forms', () => {
  for (const [text, want] of ACCEPTED) {
    test(text.replace(/\s+/g, ' ').trim(), () => {
      assert.deepEqual(shape(parseSoql(text)), want);
    });
  }

  test('positions point at each name and literal', () => {
    const q = parseSoql("SELECT Id, Name FROM Account WHERE Name = 'x' ORDER BY Id LIMIT 3");
    assert.deepEqual(
      q.fields.map((f) => f.pos),
      [7, 11],
    );
    assert.equal(q.object.pos, 21);
    assert.equal(q.where[0]!.field.pos, 35);
    assert.equal(q.where[0]!.valuePos, 42);
    assert.equal(q.orderBy!.field.pos, 55);
  });
});

describe('SOQL subset: refusals', () => {
  for (const [text, pos, reason] of REFUSED) {
    test(`${JSON.stringify(text)} → ${reason}`, () => {
      assert.throws(
        () => parseSoql(text),
        (e: unknown) => {
          assert.ok(e instanceof SoqlSyntaxError);
          assert.equal(e.reason, reason);
          assert.equal(e.pos, pos);
          return true;
        },
      );
    });
  }

  test('a query over the length limit is refused before it is read', () => {
    assert.throws(() => tokenize(`SELECT Id FROM Account WHERE Name = '${'x'.repeat(MAX_QUERY_LENGTH)}'`), {
      name: 'SoqlSyntaxError',
    });
  });
});

describe("SOQL errors in Salesforce's layout", () => {
  test('the line, a caret under the column, the position, the reason', () => {
    assert.equal(
      positionedMessage('SELECT Id FROM Account WHERE Name LIKE', 34, "unexpected token: 'LIKE'"),
      "\nSELECT Id FROM Account WHERE Name LIKE\n                                  ^\nERROR at Row:1:Column:35\nunexpected token: 'LIKE'",
    );
  });

  test('rows and columns count from 1 across lines', () => {
    const text = 'SELECT Id\nFROM Account\nWHERE Name LIKE';
    assert.equal(
      positionedMessage(text, text.indexOf('LIKE'), 'x'),
      '\nWHERE Name LIKE\n           ^\nERROR at Row:3:Column:12\nx',
    );
  });
});
