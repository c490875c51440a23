/**
 * `GET /services/data/v{n}/query?q=` over HTTP on both stores: the SOQL subset's
 * semantics (case-insensitive text, `!=` with nulls, typed literals, ids of
 * either length, ORDER BY with nulls, LIMIT), the virtual objects, and the
 * exact Salesforce error arrays for everything refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import { type ApiClient, apiClient, DATA } from './records_http.ts';

const names = (r: { body: { records: { Name: string }[] } }) => r.body.records.map((x) => x.Name);

for (const kind of DB_KINDS) {
  describe(`records query (${kind})`, () => {
    let s: TestServer;
    let c: ApiClient;
    const ids: Record<string, string> = {};

    before(async () => {
      s = await startTestServer(kind);
      c = await apiClient(s);
      // Created in this order: queries without ORDER BY answer in creation order.
      for (const [name, industry, employees] of [
        ['Acme', 'Tech', 10],
        ['bolt', 'Energy', 250],
        ['Cobalt', null, null],
        ['delta', 'Tech', 10],
        ['Échelle', 'Retail', 3],
      ] as const) {
        ids[name] = await c.create('Account', {
          Name: name,
          Industry: industry,
          NumberOfEmployees: employees,
        });
      }
      await c.create('Opportunity', {
        Name: 'Deal',
        StageName: 'Prospecting',
        CloseDate: '2024-06-30',
        Amount: 5,
      });
    });
    after(() => s.stop());

    test('SELECT … FROM: every record, in creation order, keys in select order', async () => {
      const r = await c.query('SELECT Name, Id FROM Account');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
      assert.equal(r.body.totalSize, 5);
      assert.equal(r.body.done, true);
      assert.deepEqual(names(r), ['Acme', 'bolt', 'Cobalt', 'delta', 'Échelle']);
      assert.deepEqual(r.body.records[0], {
        attributes: { type: 'Account', url: `${DATA}/sobjects/Account/${ids.Acme}` },
        Name: 'Acme',
        Id: ids.Acme,
      });
    });

    test('names are case-insensitive and answered in their canonical form', async () => {
      const r = await c.query("select id, NAME from account where name = 'ACME'");
      assert.deepEqual(Object.keys(r.body.records[0]), ['attributes', 'Id', 'Name']);
      assert.deepEqual(names(r), ['Acme']);
    });

    test('WHERE: text without case, numbers, null, != including nulls, AND', async () => {
      const cases: [string, string[]][] = [
        ["WHERE Industry = 'tech'", ['Acme', 'delta']],
        ['WHERE NumberOfEmployees = 10', ['Acme', 'delta']],
        ["WHERE Industry = 'Tech' AND Name != 'acme'", ['delta']],
        ['WHERE Industry = null', ['Cobalt']],
        ['WHERE Industry != null', ['Acme', 'bolt', 'delta', 'Échelle']],
        ["WHERE Industry != 'Tech'", ['bolt', 'Cobalt', 'Échelle']],
        ["WHERE Name = 'echelle'", ['Échelle']],
        ["WHERE Name = 'nobody'", []],
      ];
      for (const [where, want] of cases) {
        const r = await c.query(`SELECT Name FROM Account ${where}`);
        assert.equal(r.status, 200, where);
        assert.deepEqual(names(r), want, where);
      }
      // SQL's doubled quote is no escape in SOQL: the second quote opens another literal.
      const doubled = await c.query("SELECT Name FROM Account WHERE Name = 'x'' OR 1=1 --'");
      assert.equal(doubled.status, 400);
      assert.equal(doubled.body[0].errorCode, 'MALFORMED_QUERY');
      const injected = await c.query("SELECT Name FROM Account WHERE Name = 'x\\' OR Name != \\'y'");
      assert.equal(injected.status, 200);
      assert.equal(injected.body.totalSize, 0, 'an escaped quote stays inside the literal');
    });

    test('ids match in their 15- or 18-character form', async () => {
      for (const id of [ids.bolt!, ids.bolt!.slice(0, 15)]) {
        const r = await c.query(`SELECT Name FROM Account WHERE Id = '${id}'`);
        assert.deepEqual(names(r), ['bolt']);
      }
      const r = await c.query(
        `SELECT Name FROM Account WHERE OwnerId = '${c.user.id}' AND Id != '${ids.Acme}'`,
      );
      assert.equal(r.body.totalSize, 4);
    });

    test('ORDER BY: ascending puts nulls first, descending last, unless told; text without case', async () => {
      const cases: [string, string[]][] = [
        ['ORDER BY Name', ['Acme', 'bolt', 'Cobalt', 'delta', 'Échelle']],
        ['ORDER BY Name DESC', ['Échelle', 'delta', 'Cobalt', 'bolt', 'Acme']],
        ['ORDER BY NumberOfEmployees', ['Cobalt', 'Échelle', 'Acme', 'delta', 'bolt']],
        ['ORDER BY NumberOfEmployees DESC', ['bolt', 'Acme', 'delta', 'Échelle', 'Cobalt']],
        ['ORDER BY NumberOfEmployees ASC NULLS LAST', ['Échelle', 'Acme', 'delta', 'bolt', 'Cobalt']],
        ['ORDER BY Industry DESC NULLS FIRST LIMIT 2', ['Cobalt', 'Acme']],
        ['ORDER BY CreatedDate DESC LIMIT 1', ['Échelle']],
        ['LIMIT 2', ['Acme', 'bolt']],
        ['LIMIT 0', []],
      ];
      for (const [tail, want] of cases) {
        const r = await c.query(`SELECT Name FROM Account ${tail}`);
        assert.equal(r.status, 200, tail);
        assert.deepEqual(names(r), want, tail);
        assert.equal(r.body.totalSize, want.length);
      }
    });

    test('dates, date-times and currency on Opportunity; queryAll answers the same', async () => {
      const r = await c.query('SELECT Name, CloseDate, Amount FROM Opportunity WHERE CloseDate = 2024-06-30');
      assert.deepEqual(r.body.records[0], {
        attributes: r.body.records[0].attributes,
        Name: 'Deal',
        CloseDate: '2024-06-30',
        Amount: 5,
      });
      const later = await c.query('SELECT Id FROM Opportunity WHERE CreatedDate = 2000-01-01T00:00:00Z');
      assert.equal(later.body.totalSize, 0);
      const all = await c.get(`/queryAll?q=${encodeURIComponent('SELECT Name FROM Opportunity')}`);
      assert.deepEqual(names(all), ['Deal']);
    });

    test('Organization and User are queryable (what sf asks at login)', async () => {
      const org = await c.query(
        'SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization',
      );
      assert.equal(org.status, 200);
      assert.deepEqual(org.body.records, [
        {
          attributes: { type: 'Organization', url: `${DATA}/sobjects/Organization/${s.ctx.orgId}` },
          Name: 's2s-oauth',
          InstanceName: 'S2S',
          IsSandbox: false,
          TrialExpirationDate: null,
          NamespacePrefix: null,
          OrganizationType: 'Developer Edition',
        },
      ]);
      const me = await c.query(
        `SELECT Id, Username, IsActive FROM User WHERE Username = '${c.user.username}'`,
      );
      assert.deepEqual(
        me.body.records.map((u: Record<string, unknown>) => [u.Id, u.Username, u.IsActive]),
        [[c.user.id, c.user.username, true]],
      );
    });

    test("refusals: Salesforce's codes, positions and messages", async () => {
      const hint =
        "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
        'Please reference your WSDL or the describe call for the appropriate names.';
      const cases: [string, string, string][] = [
        [
          "SELECT Id FROM Account WHERE Name LIKE 'a%'",
          'MALFORMED_QUERY',
          "\nSELECT Id FROM Account WHERE Name LIKE 'a%'\n                                  ^\nERROR at Row:1:Column:35\nunexpected token: 'LIKE'",
        ],
        [
          'SELECT Id FROM ScratchOrgInfo limit 1',
          'INVALID_TYPE',
          "\nSELECT Id FROM ScratchOrgInfo limit 1\n               ^\nERROR at Row:1:Column:16\nsObject type 'ScratchOrgInfo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
        ],
        [
          'SELECT Id, Revenue FROM Account',
          'INVALID_FIELD',
          `\nSELECT Id, Revenue FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Revenue' on entity 'Account'. ${hint}`,
        ],
        [
          "SELECT Id FROM Account WHERE NumberOfEmployees = '10'",
          'INVALID_FIELD',
          "\nSELECT Id FROM Account WHERE NumberOfEmployees = '10'\n                                                 ^\nERROR at Row:1:Column:50\nvalue of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes",
        ],
        [
          'SELECT Id FROM Account WHERE Name = 5',
          'INVALID_FIELD',
          "\nSELECT Id FROM Account WHERE Name = 5\n                                    ^\nERROR at Row:1:Column:37\nvalue of filter criterion for field 'Name' must be of type string and should be enclosed in quotes",
        ],
        [
          "SELECT Id FROM Account WHERE Id = 'bogus'",
          'INVALID_QUERY_FILTER_OPERATOR',
          "\nSELECT Id FROM Account WHERE Id = 'bogus'\n                                  ^\nERROR at Row:1:Column:35\ninvalid ID field: bogus",
        ],
      ];
      for (const [q, errorCode, message] of cases) {
        const r = await c.query(q);
        assert.equal(r.status, 400, q);
        assert.deepEqual(r.body, [{ message, errorCode }], q);
      }
      for (const path of ['/query', '/query?q=', '/query?q=a&q=b']) {
        const r = await c.get(path);
        assert.equal(r.status, 400, path);
        assert.deepEqual(r.body, [
          { message: 'A query string has to be specified', errorCode: 'MALFORMED_QUERY' },
        ]);
      }
      const after = await c.query('SELECT Id FROM Account');
      assert.equal(after.body.totalSize, 5, 'nothing a refused query said changed anything');
    });
  });
}
