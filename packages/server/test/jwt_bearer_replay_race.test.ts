/**
 * Single use under concurrency (RFC 7523 §3 item 7; security catalogue J15):
 * twenty parallel copies of one assertion give exactly one token, on SQLite
 * and on PostgreSQL. The decision is one atomic insert (ReplayStore.consume).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  drainTokens,
  grantAssertion,
  JWT_BEARER,
  type JwtApp,
  jwtApp,
  makeKey,
  malleate,
  TOKEN_PATH,
} from './assertions.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const COPIES = 20;

for (const kind of DB_KINDS) {
  describe(`jwt-bearer replay race (${kind})`, () => {
    let s: TestServer;
    let rsa: JwtApp;
    let ec: JwtApp;

    before(async () => {
      s = await startTestServer(kind);
      const [k1, k2] = await Promise.all([makeKey('rsa'), makeKey('ec256')]);
      rsa = await jwtApp(s, k1);
      ec = await jwtApp(s, k2);
    });
    after(() => s.stop());

    async function race(assertions: string[]): Promise<void> {
      await drainTokens(s);
      const results = await Promise.all(
        assertions.map((assertion) => s.form(TOKEN_PATH, { grant_type: JWT_BEARER, assertion })),
      );
      const ok = results.filter((r) => r.status === 200);
      const replays = results.filter((r) => r.body?.error_description === 'jti already in use');
      assert.equal(ok.length, 1, `exactly one 200, got ${results.map((r) => r.status).join(',')}`);
      assert.equal(replays.length, assertions.length - 1);
      for (const r of replays) assert.equal(r.body.error, 'invalid_grant');
      assert.equal(await drainTokens(s), 1, 'exactly one token row');
    }

    test(`${COPIES} parallel copies with a jti: one token`, async () => {
      await race(Array(COPIES).fill(grantAssertion(s, rsa)));
    });

    test(`${COPIES} parallel copies without a jti: one token`, async () => {
      await race(Array(COPIES).fill(grantAssertion(s, rsa, { jti: undefined })));
    });

    test(`${COPIES} parallel ECDSA copies, half re-formed as (r, n − s): one token`, async () => {
      const jwt = grantAssertion(s, ec, { jti: undefined });
      const twin = malleate(jwt);
      await race(Array.from({ length: COPIES }, (_, i) => (i % 2 ? twin : jwt)));
    });
  });
}
