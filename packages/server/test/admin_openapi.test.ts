/**
 * The OpenAPI document cannot drift from the server: it names exactly the
 * routes Fastify registered under /admin/v1, every $ref resolves, and real
 * answers to every operation match the documented response schema.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registeredAdminRoutes } from '../src/http/admin/index.ts';
import { generateSelfSigned, parseCertificatePem } from '../src/keys/x509.ts';
import { DB_KINDS, type HttpResult, startTestServer, type TestServer, toResult } from './harness.ts';

type Json = Record<string, unknown>;
type Doc = { paths: Record<string, Record<string, Json>>; components: Record<string, Record<string, Json>> };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const toTemplate = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function resolve(doc: Doc, ref: string): Json {
  const m = /^#\/components\/(schemas|responses)\/(\w+)$/.exec(ref);
  const target = m ? doc.components[m[1]!]?.[m[2]!] : undefined;
  assert.ok(target, `unresolved $ref ${ref}`);
  return target;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The subset of JSON Schema 2020-12 the document uses; returns the problems found. */
function validate(doc: Doc, schema: Json, v: unknown, at = '$'): string[] {
  if (typeof schema.$ref === 'string') return validate(doc, resolve(doc, schema.$ref), v, at);
  if (Array.isArray(schema.oneOf)) {
    const ok = (schema.oneOf as Json[]).filter((s) => validate(doc, s, v, at).length === 0).length;
    return ok === 1 ? [] : [`${at}: matches ${ok} of oneOf`];
  }
  const out: string[] = [];
  const t = typeOf(v);
  if (schema.type !== undefined) {
    const types = [schema.type].flat() as string[];
    if (!types.includes(t) && !(t === 'integer' && types.includes('number')))
      return [`${at}: ${t} is not ${types}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(v)) out.push(`${at}: ${String(v)} not in enum`);
  if (t === 'string') {
    const s = v as string;
    if (schema.format === 'date-time' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s))
      out.push(`${at}: not a date-time`);
    if (typeof schema.minLength === 'number' && s.length < schema.minLength) out.push(`${at}: too short`);
    if (typeof schema.maxLength === 'number' && s.length > schema.maxLength) out.push(`${at}: too long`);
  }
  if (
    (t === 'integer' || t === 'number') &&
    typeof schema.minimum === 'number' &&
    (v as number) < schema.minimum
  )
    out.push(`${at}: below minimum`);
  if (
    (t === 'integer' || t === 'number') &&
    typeof schema.maximum === 'number' &&
    (v as number) > schema.maximum
  )
    out.push(`${at}: above maximum`);
  if (t === 'array' && schema.items) {
    (v as unknown[]).forEach((x, i) => {
      out.push(...validate(doc, schema.items as Json, x, `${at}[${i}]`));
    });
  }
  if (t === 'object') {
    const o = v as Json;
    const props = (schema.properties ?? {}) as Record<string, Json>;
    for (const k of (schema.required ?? []) as string[]) if (!(k in o)) out.push(`${at}.${k}: missing`);
    for (const [k, x] of Object.entries(o)) {
      if (props[k]) out.push(...validate(doc, props[k], x, `${at}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${at}.${k}: not documented`);
    }
  }
  return out;
}

for (const kind of DB_KINDS) {
  describe(`admin API: OpenAPI document (${kind})`, () => {
    let s: TestServer;
    let doc: Doc;
    const exercised = new Set<string>();

    before(async () => {
      s = await startTestServer(kind);
      doc = (await s.get('/admin/v1/openapi.json')).body;
    });
    after(() => s.stop());

    /** Checks a real answer against the documented response for its status. */
    function conforms(method: string, template: string, r: HttpResult): void {
      const op = doc.paths[template]?.[method.toLowerCase()];
      assert.ok(op, `${method} ${template} is not documented`);
      let res = (op.responses as Record<string, Json>)[String(r.status)];
      assert.ok(res, `${method} ${template}: status ${r.status} is not documented (${r.text.slice(0, 200)})`);
      if (typeof res.$ref === 'string') res = resolve(doc, res.$ref);
      const schema = (res.content as Record<string, { schema: Json }> | undefined)?.['application/json']
        ?.schema;
      if (schema) assert.deepEqual(validate(doc, schema, r.body), [], `${method} ${template} ${r.status}`);
      else assert.equal(r.text, '', `${method} ${template} ${r.status} has no documented body`);
      if (r.status < 300) exercised.add(`${method.toUpperCase()} ${template}`);
    }

    test('is OpenAPI 3.1 and every $ref resolves', () => {
      assert.equal((doc as unknown as Json).openapi, '3.1.0');
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if (k === '$ref') resolve(doc, x as string);
            else walk(x);
          }
        }
      };
      walk(doc);
    });

    test('documents exactly the routes Fastify registered under /admin/v1', () => {
      const registered = registeredAdminRoutes(s.app).map((r) => `${r.method} ${toTemplate(r.url)}`);
      assert.ok(registered.length >= 20, 'routes were collected');
      const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${p}`),
      );
      assert.deepEqual([...documented].sort(), [...registered].sort());
    });

    test('path parameters are declared for every placeholder', () => {
      for (const [p, ops] of Object.entries(doc.paths)) {
        const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const declared = ((ops.parameters ?? []) as unknown as { name: string; in: string }[])
          .filter((x) => x.in === 'path')
          .map((x) => x.name);
        assert.deepEqual(declared.sort(), names.sort(), p);
      }
    });

    test('every operation but the document itself documents 401', () => {
      for (const [p, ops] of Object.entries(doc.paths)) {
        for (const m of Object.keys(ops).filter((k) => METHODS.includes(k))) {
          const op = ops[m] as { responses: Json; security?: unknown[] };
          if (op.security?.length === 0) continue;
          assert.ok(op.responses['401'], `${m} ${p}`);
        }
      }
    });

    test('real answers of every operation match the documented schemas', async () => {
      const call = async (method: string, template: string, path: string, body?: unknown) => {
        const r = await s.admin(method, path, body);
        conforms(method, template, r);
        return r;
      };
      conforms('GET', '/admin/v1/openapi.json', await s.get('/admin/v1/openapi.json'));
      conforms('GET', '/admin/v1/users', await s.get('/admin/v1/users'));
      const U = '/admin/v1/users/{idOrUsername}';
      const user = await call('POST', '/admin/v1/users', '/admin/v1/users', {
        username: 'doc@example.com',
        password: 'long enough pw',
      });
      await call('POST', '/admin/v1/users', '/admin/v1/users', { username: 'doc@example.com' });
      await call('POST', '/admin/v1/users', '/admin/v1/users', { username: 1 });
      await call('GET', '/admin/v1/users', '/admin/v1/users');
      await call('GET', U, `/admin/v1/users/${user.body.id}`);
      await call('GET', U, '/admin/v1/users/nobody');
      await call('PATCH', U, `/admin/v1/users/${user.body.id}`, { lastName: 'Doc' });
      const runAs = (await s.newUser()).username;
      const pem = (await generateSelfSigned({ cn: 'doc', days: 5 })).certificatePem;
      const app = await call('POST', '/admin/v1/apps', '/admin/v1/apps', {
        name: 'Doc app',
        scopes: ['api', 'id'],
        certificates: [pem],
        clientCredentials: { enabled: true, runAs },
      });
      await call('POST', '/admin/v1/apps', '/admin/v1/apps', { name: 'x', scopes: 7 });
      const A = '/admin/v1/apps/{clientId}';
      const a = `/admin/v1/apps/${app.body.clientId}`;
      await call('GET', '/admin/v1/apps', '/admin/v1/apps');
      await call('GET', A, a);
      await call('GET', A, '/admin/v1/apps/3MVG9nobody');
      await call('PATCH', A, a, { refreshToken: { policy: 'expire_if_unused', seconds: 3600 } });
      const pem2 = (await generateSelfSigned({ cn: 'doc 2', days: 5 })).certificatePem;
      await call('POST', `${A}/certificates`, `${a}/certificates`, { pem: pem2 });
      await call('POST', `${A}/certificates`, `${a}/certificates`, { pem: pem2 });
      const t2 = parseCertificatePem(pem2).thumbprint;
      await call('DELETE', `${A}/certificates/{thumbprint}`, `${a}/certificates/${t2}`);
      await call('DELETE', `${A}/certificates/{thumbprint}`, `${a}/certificates/xyz`);
      const secret = await call('POST', `${A}/secrets`, `${a}/secrets`);
      await call('GET', `${A}/secrets`, `${a}/secrets`);
      await call('DELETE', `${A}/secrets/{secretId}`, `${a}/secrets/${secret.body.id}`);
      const last = (await s.admin('GET', `${a}/secrets`)).body[0].id;
      await call('DELETE', `${A}/secrets/{secretId}`, `${a}/secrets/${last}`);
      const P = `${A}/preauthorizations`;
      const pre = await call('POST', P, `${a}/preauthorizations`, { username: 'doc@example.com' });
      await call('POST', P, `${a}/preauthorizations`, { username: 'doc@example.com' });
      await call('GET', P, `${a}/preauthorizations`);
      await call('DELETE', `${P}/{id}`, `${a}/preauthorizations/${pre.body.id}`);
      const approval = await call('POST', '/admin/v1/approvals', '/admin/v1/approvals', {
        clientId: app.body.clientId,
        username: 'doc@example.com',
        scopes: ['id'],
      });
      await call('POST', '/admin/v1/approvals', '/admin/v1/approvals', {
        clientId: app.body.clientId,
        username: 'doc@example.com',
        scopes: ['x'],
      });
      await call('GET', '/admin/v1/approvals', `/admin/v1/approvals?clientId=${app.body.clientId}`);
      await call('DELETE', '/admin/v1/approvals/{id}', `/admin/v1/approvals/${approval.body.id}`);
      await call('DELETE', '/admin/v1/approvals/{id}', `/admin/v1/approvals/${approval.body.id}`);
      await s.form('/services/oauth2/token', {
        grant_type: 'client_credentials',
        client_id: app.body.clientId,
        client_secret: app.body.clientSecret,
      });
      const events = await call('GET', '/admin/v1/audit', '/admin/v1/audit?result=success');
      assert.equal(events.body.length, 1);
      await call('GET', '/admin/v1/audit', '/admin/v1/audit?limit=0');
      const summary = await call('GET', '/admin/v1/audit/summary', '/admin/v1/audit/summary?window=hour');
      assert.deepEqual(summary.body.totals.grants, { client_credentials: 1 });
      await call('GET', '/admin/v1/audit/summary', '/admin/v1/audit/summary?window=year');
      await call('GET', '/admin/v1/keys', '/admin/v1/keys');
      await call('POST', '/admin/v1/keys/rotate', '/admin/v1/keys/rotate', { overlapSeconds: 3600 });
      await call('POST', '/admin/v1/keys/rotate', '/admin/v1/keys/rotate', { alg: 'HS256' });
      await call('DELETE', U, `/admin/v1/users/${runAs}`);
      await call('DELETE', A, a);
      await call('DELETE', U, `/admin/v1/users/${runAs}`);
      await call('DELETE', U, `/admin/v1/users/${runAs}`);
      conforms('GET', '/admin/v1/apps', await toResult(await fetch(`${s.url}/admin/v1/apps`)));

      const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${p}`),
      );
      assert.deepEqual(
        documented.filter((d) => !exercised.has(d)),
        [],
        'every operation answered successfully at least once',
      );
    });
  });
}
