/**
 * Test helper for the records API: an app with client credentials and a run-as
 * user, its token, and JSON requests to `/services/data/v{API_VERSION}/…` over
 * real HTTP.
 */
import assert from 'node:assert/strict';
import type { App, User } from '../src/domain/types.ts';
import { API_VERSION } from '../src/resource/versions.ts';
import { basic, type HttpResult, type TestServer, toResult } from './harness.ts';

export const DATA = `/services/data/v${API_VERSION}`;

export interface ApiClient {
  app: App;
  user: User;
  token: string;
  /** A request under DATA (or an absolute path starting with /services). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  get(path: string): Promise<HttpResult>;
  query(soql: string): Promise<HttpResult>;
  /** Creates a record and returns its id (asserting 201). */
  create(object: string, fields: Record<string, unknown>): Promise<string>;
}

export async function tokenFor(s: TestServer, clientId: string, secret: string): Promise<string> {
  const t = await s.form(
    '/services/oauth2/token',
    { grant_type: 'client_credentials' },
    {
      authorization: basic(clientId, secret),
    },
  );
  assert.equal(t.status, 200, t.text);
  return t.body.access_token as string;
}

export async function apiClient(
  s: TestServer,
  o: { scopes?: string[]; app?: Record<string, unknown>; user?: User } = {},
): Promise<ApiClient> {
  const user = o.user ?? (await s.newUser({ firstName: 'Run', lastName: 'As' }));
  const { app, clientSecret } = await s.newApp({
    scopes: o.scopes ?? ['api'],
    clientCredentials: { enabled: true, runAs: user.username },
    ...o.app,
  });
  const token = await tokenFor(s, app.clientId, clientSecret);
  const c: ApiClient = {
    app,
    user,
    token,
    async call(method, path, body, headers = {}) {
      const url = s.url + (path.startsWith('/services') ? path : `${DATA}${path}`);
      const res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return toResult(res);
    },
    get: (path) => c.call('GET', path),
    query: (soql) => c.get(`/query?q=${encodeURIComponent(soql)}`),
    async create(object, fields) {
      const r = await c.call('POST', `/sobjects/${object}`, fields);
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    },
  };
  return c;
}

/** Salesforce's 404 body, byte for byte. */
export const NOT_FOUND = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];

/** Salesforce's REST date-time. */
export const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
