// jsforce 3 against the resource server, unmodified: the REST root, identity()
// (which sends the token in the header and as oauth_token in the URL), and its
// refresh-on-401 path after the token is revoked (clients.md §1.2, §1.3).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Connection } from 'jsforce';
import { API_VERSION } from '../src/resource/versions.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

// jsforce ignores NO_PROXY (clients.md gotcha 6).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

const LIMIT = { timeout: 20_000 };

for (const kind of DB_KINDS) {
  describe(`resource server with jsforce (${kind})`, () => {
    let s: TestServer;
    let conn: Connection;
    let refreshes = 0;
    let userId: string;

    async function connect(scopes: string[]): Promise<{ conn: Connection; userId: string }> {
      const user = await s.newUser();
      const { app, clientSecret } = await s.newApp({
        scopes,
        clientCredentials: { enabled: true, runAs: user.username },
      });
      const c = new Connection({
        oauth2: { loginUrl: s.url, clientId: app.clientId, clientSecret },
        version: API_VERSION,
        refreshFn: (c2, cb) => {
          refreshes++;
          c2.authorize({ grant_type: 'client_credentials' }).then(
            () => cb(null, c2.accessToken ?? undefined),
            (err: Error) => cb(err),
          );
        },
      });
      await c.authorize({ grant_type: 'client_credentials' });
      return { conn: c, userId: user.id };
    }

    before(async () => {
      s = await startTestServer(kind);
      ({ conn, userId } = await connect(['api', 'id']));
    });
    after(() => s.stop());

    test('GET the version root and the versions list', LIMIT, async () => {
      const root = await conn.request<Record<string, string>>(`/services/data/v${API_VERSION}/`);
      assert.equal(root.sobjects, `/services/data/v${API_VERSION}/sobjects`);
      assert.equal(root.identity, `${s.url}/id/${s.ctx.orgId}/${userId}`);
      const versions = await conn.request<{ version: string }[]>('/services/data');
      assert.equal(versions.at(-1)?.version, API_VERSION);
    });

    test('identity() reads the identity URL', LIMIT, async () => {
      const id = (await conn.identity()) as unknown as Record<string, unknown>;
      assert.equal(id.user_id, userId);
      assert.equal(id.organization_id, s.ctx.orgId);
    });

    test('after revocation the 401 makes jsforce re-run the grant once and retry', LIMIT, async () => {
      const before = refreshes;
      await conn.oauth2.revokeToken(conn.accessToken!);
      const root = await conn.request<Record<string, string>>(`/services/data/v${API_VERSION}/`);
      assert.equal(root.sobjects, `/services/data/v${API_VERSION}/sobjects`);
      assert.equal(refreshes, before + 1);
    });

    test('identity() survives a refresh (new header token, old oauth_token in the URL)', LIMIT, async () => {
      const before = refreshes;
      await conn.oauth2.revokeToken(conn.accessToken!);
      const id = (await conn.identity()) as unknown as Record<string, unknown>;
      assert.equal(id.user_id, userId);
      assert.equal(refreshes, before + 1);
    });

    test('Salesforce error arrays surface as jsforce errors with errorCode', LIMIT, async () => {
      await assert.rejects(conn.request(`/services/data/v${API_VERSION}/nothing`), {
        errorCode: 'NOT_FOUND',
      });
      const idOnly = await connect(['id']);
      const before = refreshes;
      await assert.rejects(idOnly.conn.request(`/services/data/v${API_VERSION}/`), {
        errorCode: 'INSUFFICIENT_SCOPE',
      });
      assert.equal(refreshes, before, 'a 403 does not trigger a refresh');
    });
  });
}
