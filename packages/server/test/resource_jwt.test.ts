// RFC 9068 JWT access tokens at the resource server (RFC 9068 §4): every
// forgery or stale token is the same 401 INVALID_SESSION_ID; the jose-based
// verifier trusts only our JWKS, our issuer and audience, ES256/RS256 and `typ` at+jwt.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { API_VERSION } from '../src/resource/versions.ts';
import { basic, DB_KINDS, startTestServer, type TestServer } from './harness.ts';

const ROOT = `/services/data/v${API_VERSION}/`;
const INVALID_SESSION = '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]';
const TTL = 300;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

for (const kind of DB_KINDS) {
  describe(`resource server: JWT access tokens (${kind})`, () => {
    let s: TestServer;
    let clock = Date.parse('2026-03-01T12:00:00Z');
    let mint: () => Promise<string>;
    let userId: string;

    const call = (token: string) => s.get(ROOT, { authorization: `Bearer ${token}` });
    async function assertRefused(token: string, why: string) {
      const r = await call(token);
      assert.equal(r.status, 401, why);
      assert.equal(r.text, INVALID_SESSION, why);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="s2s-oauth", error="invalid_token"', why);
    }

    before(async () => {
      s = await startTestServer(kind, { now: () => clock });
      const user = await s.newUser();
      userId = user.id;
      const { app, clientSecret } = await s.newApp({
        scopes: ['api', 'id'],
        clientCredentials: { enabled: true, runAs: user.username },
        accessToken: { format: 'jwt', ttlSeconds: TTL },
      });
      mint = async () => {
        const r = await s.form(
          '/services/oauth2/token',
          { grant_type: 'client_credentials' },
          { authorization: basic(app.clientId, clientSecret) },
        );
        assert.equal(r.status, 200, r.text);
        return r.body.access_token;
      };
    });
    after(() => s.stop());

    test('a JWT access token (typ at+jwt) opens the API', async () => {
      const token = await mint();
      assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
      const r = await call(token);
      assert.equal(r.status, 200);
      assert.equal(r.body.identity.split('/').at(-1), userId);
    });

    test('a tampered signature is refused', async () => {
      const [h, p, sig] = (await mint()).split('.') as [string, string, string];
      const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
      await assertRefused(`${h}.${p}.${flipped}`, 'signature');
    });

    test('a tampered payload (scope widened) is refused', async () => {
      const [h, p, sig] = (await mint()).split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      await assertRefused(`${h}.${b64({ ...claims, scope: 'api id full' })}.${sig}`, 'payload');
    });

    test('alg "none" is refused', async () => {
      const token = await mint();
      const header = decodeProtectedHeader(token);
      const p = token.split('.')[1];
      await assertRefused(`${b64({ ...header, alg: 'none' })}.${p}.`, 'alg none');
    });

    test('a token signed by a foreign key with our kid is refused', async () => {
      const token = await mint();
      const { kid } = decodeProtectedHeader(token);
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT(decodeJwt(token))
        .setProtectedHeader({ alg: 'ES256', kid: kid!, typ: 'at+jwt' })
        .sign(privateKey);
      await assertRefused(forged, 'foreign key');
    });

    test('a key embedded in the header (jwk) is not trusted', async () => {
      const token = await mint();
      const { kid } = decodeProtectedHeader(token);
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      const forged = await new SignJWT(decodeJwt(token))
        .setProtectedHeader({ alg: 'ES256', kid: kid!, typ: 'at+jwt', jwk })
        .sign(privateKey);
      await assertRefused(forged, 'embedded jwk');
    });

    test('HS256 keyed with our public key (algorithm confusion) is refused', async () => {
      const token = await mint();
      const { kid } = decodeProtectedHeader(token);
      const pub = s.ctx.keys.jwks().keys.find((k) => k.kid === kid)!;
      const forged = await new SignJWT(decodeJwt(token))
        .setProtectedHeader({ alg: 'HS256', kid: kid!, typ: 'at+jwt' })
        .sign(new TextEncoder().encode(JSON.stringify(pub)));
      await assertRefused(forged, 'HS256');
    });

    test('our own signature with the wrong typ (an ID token, a plain JWT) is refused', async () => {
      const claims = decodeJwt(await mint());
      await assertRefused(s.ctx.keys.signJwt(claims, 'JWT'), 'typ JWT');
      await assertRefused(s.ctx.keys.signJwt(claims, 'id_token+jwt'), 'typ id_token');
      // RFC 9068 §2.1: the media-type form application/at+jwt is the same type.
      assert.equal((await call(s.ctx.keys.signJwt(claims, 'application/at+jwt'))).status, 200);
    });

    test('our own signature with a foreign issuer or audience is refused', async () => {
      const claims = decodeJwt(await mint());
      await assertRefused(
        s.ctx.keys.signJwt({ ...claims, iss: 'https://login.salesforce.com' }, 'at+jwt'),
        'iss',
      );
      await assertRefused(s.ctx.keys.signJwt({ ...claims, aud: 'https://other.example' }, 'at+jwt'), 'aud');
    });

    test('a well-signed JWT with no token record behind it is refused', async () => {
      const claims = decodeJwt(await mint());
      await assertRefused(
        s.ctx.keys.signJwt({ ...claims, jti: crypto.randomUUID() }, 'at+jwt'),
        'unknown jti',
      );
    });

    test('an expired JWT is refused once the frozen clock passes exp', async () => {
      const token = await mint();
      clock += (TTL - 1) * 1000;
      assert.equal((await call(token)).status, 200);
      clock += 1000;
      await assertRefused(token, 'expired');
    });

    test('a JWT of a deactivated user is refused', async () => {
      const token = await mint();
      assert.equal((await call(token)).status, 200);
      const user = (await s.ctx.store.users.findById(userId))!;
      await s.ctx.store.users.update({ ...user, active: false });
      try {
        await assertRefused(token, 'inactive user');
      } finally {
        await s.ctx.store.users.update({ ...user, active: true });
      }
      assert.equal((await call(token)).status, 200, 'reactivating the user revives the token');
    });

    test('a revoked JWT is refused', async () => {
      const token = await mint();
      assert.equal((await call(token)).status, 200);
      const r = await s.form('/services/oauth2/revoke', { token });
      assert.equal(r.status, 200);
      await assertRefused(token, 'revoked');
    });
  });
}
