/**
 * Test helper: key pairs with X.509 certificates (RSA, EC; any validity
 * window) and a hand-rolled JWS signer, so tests can build exactly the bytes
 * an attacker would: raw header JSON with duplicate names, `crit`, `jwk`,
 * non-canonical base64url, HMAC with a public key as the secret …
 */
import assert from 'node:assert/strict';
import {
  constants,
  createHmac,
  createPrivateKey,
  type KeyObject,
  randomUUID,
  sign,
  webcrypto,
} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { OAuthError } from '../src/oauth/errors.ts';
import type { TestServer } from './harness.ts';

x509.cryptoProvider.set(webcrypto as never);

export type KeyKind = 'rsa' | 'ec256' | 'ec384' | 'ec521';

export interface TestKey {
  kind: KeyKind;
  privateKey: KeyObject;
  privateKeyPem: string;
  certificatePem: string;
}

const GEN: Record<KeyKind, { key: object; sig: object }> = {
  rsa: {
    key: {
      name: 'RSASSA-PKCS1-v1_5',
      hash: 'SHA-256',
      publicExponent: new Uint8Array([1, 0, 1]),
      modulusLength: 2048,
    },
    sig: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  },
  ec256: { key: { name: 'ECDSA', namedCurve: 'P-256' }, sig: { name: 'ECDSA', hash: 'SHA-256' } },
  ec384: { key: { name: 'ECDSA', namedCurve: 'P-384' }, sig: { name: 'ECDSA', hash: 'SHA-384' } },
  ec521: { key: { name: 'ECDSA', namedCurve: 'P-521' }, sig: { name: 'ECDSA', hash: 'SHA-512' } },
};

/** A fresh key with a self-signed certificate valid from `notBefore` to `notAfter` (epoch ms). */
export async function makeKey(
  kind: KeyKind = 'rsa',
  validity: { notBefore?: number; notAfter?: number } = {},
): Promise<TestKey> {
  const g = GEN[kind];
  const keys = (await webcrypto.subtle.generateKey(g.key as webcrypto.RsaHashedKeyGenParams, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex')}`,
    name: `CN=test ${kind}`,
    notBefore: new Date(validity.notBefore ?? now - 3600_000),
    notAfter: new Date(validity.notAfter ?? now + 86_400_000),
    keys,
    signingAlgorithm: g.sig as webcrypto.EcdsaParams,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return {
    kind,
    privateKey,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    certificatePem: cert.toString('pem'),
  };
}

export const b64u = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

export interface SignOptions {
  alg?: string;
  /** Extra header members, or the complete raw header JSON when a string. */
  header?: Record<string, unknown> | string;
  /** HMAC secret for HS* algorithms. */
  hmacSecret?: Buffer | string;
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** Signs `payload` (an object, or raw JSON text) as a compact JWS with any alg we choose. */
export function signJwt(
  payload: Record<string, unknown> | string,
  key: TestKey | null,
  o: SignOptions = {},
): string {
  const alg = o.alg ?? defaultAlg(key);
  const header = typeof o.header === 'string' ? o.header : JSON.stringify({ alg, typ: 'JWT', ...o.header });
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const input = `${b64u(header)}.${b64u(body)}`;
  return `${input}.${signature(input, alg, key, o.hmacSecret)}`;
}

export function signature(
  input: string,
  alg: string,
  key: TestKey | null,
  hmacSecret?: Buffer | string,
): string {
  const hash = HASH[alg.slice(2)] ?? 'sha256';
  const data = Buffer.from(input);
  if (alg.toLowerCase() === 'none') return '';
  if (alg.startsWith('HS'))
    return createHmac(hash, hmacSecret ?? '')
      .update(data)
      .digest('base64url');
  if (!key) throw new Error('a key is needed');
  if (alg.startsWith('RS')) return sign(hash, data, key.privateKey).toString('base64url');
  if (alg.startsWith('PS')) {
    const saltLength = Number(alg.slice(2)) / 8;
    return sign(hash, data, {
      key: key.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength,
    }).toString('base64url');
  }
  return sign(hash, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

function defaultAlg(key: TestKey | null): string {
  return { rsa: 'RS256', ec256: 'ES256', ec384: 'ES384', ec521: 'ES512' }[key?.kind ?? 'rsa'];
}

/** Standard claims for a grant assertion at `now` (ms), overridable. */
export function grantClaims(
  o: { iss: string; sub: string; aud: string; now: number },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const s = Math.floor(o.now / 1000);
  return { iss: o.iss, sub: o.sub, aud: o.aud, iat: s, exp: s + 120, ...extra };
}

/** Asserts that `p` rejects with an OAuthError of this code (and description, when given). */
export async function rejectsWith(
  p: Promise<unknown>,
  code: string,
  description?: string,
  detail?: RegExp,
): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof OAuthError, `expected an OAuthError, got ${String(e)}`);
    assert.equal(e.code, code, `code (detail: ${e.detail})`);
    if (description !== undefined)
      assert.equal(e.description, description, `description (detail: ${e.detail})`);
    if (detail !== undefined) assert.match(e.detail ?? '', detail);
    return true;
  });
}

/** A frozen clock for unit tests: whole seconds, inside the test certificates' validity. */
export const FROZEN_NOW = Math.floor(Date.now() / 1000) * 1000;
export const ISSUER = 'https://as.example.com';
export const TOKEN_URL = `${ISSUER}/services/oauth2/token`;
export const CLIENT_ID = '3MVG9test.client_id';

/** Replaces one segment of a compact JWS. */
export function swap(jwt: string, i: number, seg: string): string {
  return jwt
    .split('.')
    .map((s, j) => (j === i ? seg : s))
    .join('.');
}

/** The P-256 group order, for re-forming an ECDSA signature (r, s) as (r, n − s). */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export function malleate(jwt: string): string {
  const sig = Buffer.from(jwt.split('.')[2] as string, 'base64url');
  const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const flipped = Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex');
  return swap(jwt, 2, Buffer.concat([sig.subarray(0, 32), flipped]).toString('base64url'));
}

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const TOKEN_PATH = '/services/oauth2/token';

/** An app with a registered certificate and a user, on a running test server. */
export interface JwtApp {
  clientId: string;
  clientSecret: string;
  key: TestKey;
  username: string;
  userId: string;
}

/**
 * Creates a user and an app holding `key`'s certificate; pre-authorizes the
 * user through the admin API unless `preauthorize` is false.
 */
export async function jwtApp(
  s: TestServer,
  key: TestKey,
  o: { app?: Record<string, unknown>; user?: Record<string, unknown>; preauthorize?: boolean } = {},
): Promise<JwtApp> {
  const user = await s.newUser(o.user);
  const { app, clientSecret } = await s.newApp({
    scopes: ['api', 'id', 'refresh_token'],
    certificates: [key.certificatePem],
    permittedUsers: 'admin_approved',
    ...o.app,
  });
  if (o.preauthorize !== false) {
    const r = await s.admin('POST', `/admin/v1/apps/${app.clientId}/preauthorizations`, {
      username: user.username,
    });
    assert.equal(r.status, 201, r.text);
  }
  return { clientId: app.clientId, clientSecret, key, username: user.username, userId: user.id };
}

/**
 * A grant assertion for `a` at the server's (frozen) clock; `claims` override or
 * add. It has a fresh jti, since the frozen clock would otherwise make equal
 * assertions; pass `jti: undefined` for none.
 */
export function grantAssertion(
  s: TestServer,
  a: JwtApp,
  claims: Record<string, unknown> = {},
  opts: SignOptions = {},
): string {
  const now = Math.floor(s.ctx.now() / 1000);
  const base = { iss: a.clientId, sub: a.username, aud: s.url, iat: now, exp: now + 120, jti: randomUUID() };
  return signJwt({ ...base, ...claims }, a.key, opts);
}

/** Deletes every access-token row and says how many there were: "was a token written?". */
export function drainTokens(s: TestServer): Promise<number> {
  return s.ctx.store.accessTokens.purgeExpired(Number.MAX_SAFE_INTEGER, 1_000_000);
}
