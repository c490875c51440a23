/**
 * The records API over HTTP on both stores: describe, create, get, patch and
 * delete, with Salesforce's status codes and exact error arrays, the virtual
 * objects, and the token rules (401, 403, 404 for an unknown version).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checksum15, isSalesforceId } from '../src/domain/ids.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import { type ApiClient, apiClient, DATA, NOT_FOUND, SF_DATETIME } from './records_http.ts';

for (const kind of DB_KINDS) {
  describe(`records API (${kind})`, () => {
    let s: TestServer;
    let c: ApiClient;
    before(async () => {
      s = await startTestServer(kind);
      c = await apiClient(s);
    });
    after(() => s.stop());

    test('describeGlobal, the basic describe and the field describe', async () => {
      const g = await c.get('/sobjects');
      assert.equal(g.status, 200);
      assert.equal(g.headers.get('content-type'), 'application/json;charset=UTF-8');
      assert.deepEqual(
        g.body.sobjects.map((o: { name: string }) => o.name),
        ['Account', 'Contact', 'Opportunity', 'Organization', 'User'],
      );
      const account = g.body.sobjects[0];
      assert.equal(account.keyPrefix, '001');
      assert.equal(account.createable, true);
      assert.equal(account.urls.rowTemplate, `${DATA}/sobjects/Account/{ID}`);
      assert.equal(g.body.sobjects[3].createable, false, 'Organization is read-only');

      const basicInfo = await c.get('/sobjects/account');
      assert.equal(basicInfo.status, 200);
      assert.equal(basicInfo.body.objectDescribe.name, 'Account');
      assert.deepEqual(basicInfo.body.recentItems, []);

      const d = await c.get('/sobjects/Account/describe');
      assert.equal(d.status, 200);
      const name = d.body.fields.find((f: { name: string }) => f.name === 'Name');
      assert.deepEqual(
        [name.type, name.length, name.nillable, name.createable],
        ['string', 255, false, true],
      );
      const created = d.body.fields.find((f: { name: string }) => f.name === 'CreatedDate');
      assert.deepEqual([created.type, created.createable], ['datetime', false]);
    });

    test('create → 201 with an 18-character id; get returns attributes and every field', async () => {
      const r = await c.call('POST', '/sobjects/Account', {
        Name: 'Acme',
        NumberOfEmployees: 12,
        Industry: '',
      });
      assert.equal(r.status, 201);
      assert.deepEqual(Object.keys(r.body), ['id', 'success', 'errors']);
      assert.equal(r.body.success, true);
      assert.deepEqual(r.body.errors, []);
      const id = r.body.id as string;
      assert.ok(isSalesforceId(id) && id.startsWith('001'), id);
      assert.equal(r.headers.get('location'), `${DATA}/sobjects/Account/${id}`);

      const g = await c.get(`/sobjects/Account/${id}`);
      assert.equal(g.status, 200);
      assert.deepEqual(g.body.attributes, { type: 'Account', url: `${DATA}/sobjects/Account/${id}` });
      assert.equal(g.body.Id, id);
      assert.equal(g.body.Name, 'Acme');
      assert.equal(g.body.NumberOfEmployees, 12);
      assert.equal(g.body.Industry, null, 'an empty string is stored as null');
      assert.equal(g.body.Website, null);
      assert.equal(g.body.OwnerId, c.user.id);
      assert.equal(g.body.CreatedById, c.user.id);
      assert.equal(g.body.LastModifiedById, c.user.id);
      assert.match(g.body.CreatedDate, SF_DATETIME);
      assert.deepEqual(
        Object.keys(g.body).slice(0, 3),
        ['attributes', 'Id', 'Name'],
        'attributes first, then the fields in definition order',
      );

      const by15 = await c.get(`/sobjects/Account/${id.slice(0, 15)}`);
      assert.equal(by15.status, 200);
      assert.equal(by15.body.Id, id, 'a 15-character id finds the record; the answer has 18');

      const some = await c.get(`/sobjects/Account/${id}?fields=Name,NumberOfEmployees`);
      assert.deepEqual(Object.keys(some.body), ['attributes', 'Name', 'NumberOfEmployees']);
    });

    test('patch → 204 merges fields; null clears; delete → 204, then 404 everywhere', async () => {
      const id = await c.create('Account', { Name: 'Patch me', Phone: '555', Industry: 'Energy' });
      const before = (await c.get(`/sobjects/Account/${id}`)).body;
      await new Promise((r) => setTimeout(r, 5));
      const p = await c.call('PATCH', `/sobjects/Account/${id}`, { Industry: 'Retail', Phone: null });
      assert.equal(p.status, 204);
      assert.equal(p.text, '');
      const after = (await c.get(`/sobjects/Account/${id}`)).body;
      assert.deepEqual([after.Name, after.Industry, after.Phone], ['Patch me', 'Retail', null]);
      assert.equal(after.CreatedDate, before.CreatedDate);
      assert.ok(after.LastModifiedDate > before.LastModifiedDate);

      const d = await c.call('DELETE', `/sobjects/Account/${id}`);
      assert.equal(d.status, 204);
      assert.equal(d.text, '');
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { Name: 'x' }],
        ['DELETE', undefined],
      ] as const) {
        const r = await c.call(method, `/sobjects/Account/${id}`, body);
        assert.equal(r.status, 404, method);
        assert.deepEqual(r.body, NOT_FOUND);
      }
    });

    test('concurrent patches of different fields all survive', async () => {
      const id = await c.create('Account', { Name: 'Race' });
      const changes: Record<string, unknown>[] = [
        { Type: 'Customer' },
        { Industry: 'Energy' },
        { Phone: '1' },
        { Website: 'https://example.com' },
        { Description: 'd' },
        { AnnualRevenue: 1.5 },
        { NumberOfEmployees: 7 },
        { BillingCity: 'Oslo' },
        { BillingCountry: 'Norway' },
      ];
      const rs = await Promise.all(changes.map((ch) => c.call('PATCH', `/sobjects/Account/${id}`, ch)));
      assert.deepEqual(
        rs.map((r) => r.status),
        changes.map(() => 204),
      );
      const got = (await c.get(`/sobjects/Account/${id}`)).body;
      for (const ch of changes) for (const [k, v] of Object.entries(ch)) assert.equal(got[k], v, k);
    });

    test('a Contact has its Name computed; references are checked by key prefix', async () => {
      const account = await c.create('Account', { Name: 'Parent' });
      const id = await c.create('Contact', {
        FirstName: 'Ada',
        LastName: 'Lovelace',
        AccountId: account.slice(0, 15),
      });
      const g = (await c.get(`/sobjects/Contact/${id}`)).body;
      assert.equal(g.Name, 'Ada Lovelace');
      assert.equal(g.AccountId, account, 'stored in its 18-character form');
      const wrong = await c.call('POST', '/sobjects/Contact', { LastName: 'X', AccountId: c.user.id });
      assert.equal(wrong.status, 400);
      assert.deepEqual(wrong.body, [
        {
          message: `Account ID: id value of incorrect type: ${c.user.id}`,
          errorCode: 'FIELD_INTEGRITY_EXCEPTION',
          fields: ['AccountId'],
        },
      ]);
    });

    test("create and update refusals, in Salesforce's words", async () => {
      const cases: [string, unknown, number, unknown[]][] = [
        [
          'Account',
          { Name: 'x', Foo: 1 },
          400,
          [
            {
              message: "No such column 'Foo' on sobject of type Account",
              errorCode: 'INVALID_FIELD',
              fields: ['Foo'],
            },
          ],
        ],
        [
          'Account',
          { Name: 'x', Id: '001000000000000AAA', CreatedDate: 'now' },
          400,
          [
            {
              message:
                'Unable to create/update fields: Id, CreatedDate. Please check the security settings of this field ' +
                'and verify that it is read/write for your profile or permission set.',
              errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
              fields: ['Id', 'CreatedDate'],
            },
          ],
        ],
        [
          'Opportunity',
          { Amount: 5 },
          400,
          [
            {
              message: 'Required fields are missing: [Name, StageName, CloseDate]',
              errorCode: 'REQUIRED_FIELD_MISSING',
              fields: ['Name', 'StageName', 'CloseDate'],
            },
          ],
        ],
        [
          'Account',
          { Name: 'x', NumberOfEmployees: 'many' },
          400,
          [
            {
              message:
                'Cannot deserialize instance of int from VALUE_STRING value many or request may be missing a required field',
              errorCode: 'JSON_PARSER_ERROR',
              fields: ['NumberOfEmployees'],
            },
          ],
        ],
        [
          'Opportunity',
          { Name: 'x', StageName: 'Won', CloseDate: '2024-02-30' },
          400,
          [
            {
              message:
                'Cannot deserialize instance of date from VALUE_STRING value 2024-02-30 or request may be missing a required field',
              errorCode: 'JSON_PARSER_ERROR',
              fields: ['CloseDate'],
            },
          ],
        ],
        [
          'Account',
          { Name: 'x'.repeat(256) },
          400,
          [
            {
              message: 'Account Name: data value too large (max length=255)',
              errorCode: 'STRING_TOO_LONG',
              fields: ['Name'],
            },
          ],
        ],
        [
          'Contact',
          { LastName: 'x', Email: 'not-an-address' },
          400,
          [
            {
              message: 'Email: invalid email address: not-an-address',
              errorCode: 'INVALID_EMAIL_ADDRESS',
              fields: ['Email'],
            },
          ],
        ],
        [
          'Account',
          [{ Name: 'x' }],
          400,
          [
            {
              message: 'Cannot deserialize instance of Account from START_ARRAY',
              errorCode: 'JSON_PARSER_ERROR',
            },
          ],
        ],
      ];
      for (const [object, body, status, errors] of cases) {
        const r = await c.call('POST', `/sobjects/${object}`, body);
        assert.equal(r.status, status, JSON.stringify(body).slice(0, 80));
        assert.deepEqual(r.body, errors);
      }
      const bad = await c.call('POST', '/sobjects/Account', '{"Name": ');
      assert.equal(bad.status, 400);
      assert.equal(bad.body[0].errorCode, 'JSON_PARSER_ERROR');

      const id = await c.create('Account', { Name: 'Keep' });
      const clear = await c.call('PATCH', `/sobjects/Account/${id}`, { Name: null });
      assert.equal(clear.status, 400);
      assert.deepEqual(clear.body, [
        {
          message: 'Required fields are missing: [Name]',
          errorCode: 'REQUIRED_FIELD_MISSING',
          fields: ['Name'],
        },
      ]);
    });

    test('unknown objects and ids that are not of the object are 404', async () => {
      const account = await c.create('Account', { Name: 'Prefix' });
      for (const path of [
        '/sobjects/Widget',
        '/sobjects/Widget/describe',
        `/sobjects/Contact/${account}`,
        '/sobjects/Account/not-an-id',
        `/sobjects/Account/${account.slice(0, 15)}${checksum15('x'.repeat(15))}`,
      ]) {
        const r = await c.get(path);
        assert.equal(r.status, 404, path);
        assert.deepEqual(r.body, NOT_FOUND);
      }
      const post = await c.call('POST', '/sobjects/Widget', { Name: 'x' });
      assert.equal(post.status, 404);
    });

    test('Organization and User answer from our data and are read-only (405)', async () => {
      const org = await c.get(`/sobjects/Organization/${s.ctx.orgId}`);
      assert.equal(org.status, 200);
      assert.deepEqual(org.body, {
        attributes: { type: 'Organization', url: `${DATA}/sobjects/Organization/${s.ctx.orgId}` },
        Id: s.ctx.orgId,
        Name: 's2s-oauth',
        InstanceName: 'S2S',
        IsSandbox: false,
        TrialExpirationDate: null,
        NamespacePrefix: null,
        OrganizationType: 'Developer Edition',
      });
      const u = await c.get(`/sobjects/User/${c.user.id}`);
      assert.equal(u.status, 200);
      assert.deepEqual(
        [u.body.Username, u.body.Name, u.body.IsActive, u.body.UserType],
        [c.user.username, 'Run As', true, 'Standard'],
      );
      assert.equal(JSON.stringify(u.body).includes('password'), false);
      for (const [method, path] of [
        ['POST', '/sobjects/Organization'],
        ['PATCH', `/sobjects/User/${c.user.id}`],
        ['DELETE', `/sobjects/User/${c.user.id}`],
      ] as const) {
        const r = await c.call(method, path, method === 'DELETE' ? undefined : { Name: 'x' });
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.deepEqual(r.body, [
          {
            message: `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`,
            errorCode: 'METHOD_NOT_ALLOWED',
          },
        ]);
      }
    });

    test('401 without a valid token, 403 without the api scope, 404 for an unknown version', async () => {
      const session = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
      const none = await s.get(`${DATA}/sobjects/Account`);
      assert.equal(none.status, 401);
      assert.deepEqual(none.body, session);
      const forged = await s.get(`${DATA}/query?q=SELECT+Id+FROM+Account`, {
        authorization: `Bearer ${s.ctx.orgId.slice(0, 15)}!forged`,
      });
      assert.equal(forged.status, 401);
      assert.deepEqual(forged.body, session);

      const idOnly = await apiClient(s, { scopes: ['id'] });
      const r = await idOnly.call('POST', '/sobjects/Account', { Name: 'x' });
      assert.equal(r.status, 403);
      assert.deepEqual(r.body, [
        { message: 'This session is not valid for use with the REST API', errorCode: 'INSUFFICIENT_SCOPE' },
      ]);

      const old = await c.get('/services/data/v20.0/sobjects');
      assert.equal(old.status, 404);
      assert.deepEqual(old.body, NOT_FOUND);
    });
  });
}
