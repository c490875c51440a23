// The ceiling: a minimal node:http token endpoint and resource server doing the same protocol
// work as s2s-oauth with nothing else — no framework, no database, no audit, no logging
// (shared/reference/performance.md §1: the "minimal token endpoint"). Per request it parses
// the form, checks the secret (SHA-256, timingSafeEqual) and signs the same token the same way
// (node:crypto ES256, as keys/key_ring.ts), or verifies what it is shown with jose (as
// oauth/tokens/jwt_verify.ts and oauth/assertions do). State lives in Maps.
//
// Configuration (JSON in BENCH_CEILING): { port, audience, clients: { id: { secret?, format?,
// assertionKeyPem? } }, refreshTokens: [ ... ] }.
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createLocalJWKSet, importSPKI, jwtVerify } from 'jose';

const config = JSON.parse(process.env.BENCH_CEILING ?? '{}');
const ISSUER = `http://127.0.0.1:${config.port}`;
const TTL = 3600;
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = randomUUID();
const jwks = createLocalJWKSet({
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }],
});

const sha256 = (s) => createHash('sha256').update(s).digest();
const b64json = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');

const clients = new Map();
for (const [id, c] of Object.entries(config.clients ?? {})) {
  clients.set(id, {
    ...c,
    id,
    secretHash: c.secret ? sha256(c.secret) : null,
    assertionKey: c.assertionKeyPem ? await importSPKI(c.assertionKeyPem, 'RS256') : null,
  });
}
/** Opaque access tokens by SHA-256 (hex), refresh tokens likewise; used jti values. */
const opaque = new Map();
const refresh = new Map();
for (const t of config.refreshTokens ?? []) refresh.set(sha256(t).toString('hex'), 'cc-refresh');
const usedJti = new Map();

function signJwt(claims) {
  const input = `${b64json({ alg: 'ES256', kid, typ: 'at+jwt' })}.${b64json(claims)}`;
  const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

function accessToken(clientId, sub, format) {
  const iat = Math.floor(Date.now() / 1000);
  if (format === 'opaque') {
    const token = `00D000000000001!${randomBytes(32).toString('base64url')}`;
    opaque.set(sha256(token).toString('hex'), { sub, exp: iat + TTL });
    return token;
  }
  return signJwt({
    iss: ISSUER,
    sub,
    aud: ISSUER,
    client_id: clientId,
    scope: 'api',
    iat,
    exp: iat + TTL,
    jti: randomUUID(),
  });
}

function tokenResponse(token, sub, extra = {}) {
  return {
    access_token: token,
    ...extra,
    scope: 'api',
    instance_url: ISSUER,
    id: `${ISSUER}/id/00D000000000001AAA/${sub}`,
    token_type: 'Bearer',
    issued_at: String(Date.now()),
    expires_in: TTL,
  };
}

function basicClient(header) {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString();
  const i = decoded.indexOf(':');
  const c = clients.get(decodeURIComponent(decoded.slice(0, i)));
  if (!c?.secretHash) return null;
  return timingSafeEqual(sha256(decodeURIComponent(decoded.slice(i + 1))), c.secretHash) ? c : null;
}

async function token(form, authorization) {
  const grant = form.get('grant_type');
  if (grant === JWT_BEARER) {
    const { payload } = await jwtVerify(
      form.get('assertion') ?? '',
      clients.get('bench-jwt-bearer').assertionKey,
      {
        algorithms: ['RS256'],
        issuer: 'bench-jwt-bearer',
        audience: config.audience,
        requiredClaims: ['exp', 'sub', 'jti'],
      },
    );
    if (usedJti.has(payload.jti))
      return [400, { error: 'invalid_grant', error_description: 'jti already in use' }];
    usedJti.set(payload.jti, payload.exp);
    return [200, tokenResponse(accessToken('bench-jwt-bearer', payload.sub, 'jwt'), payload.sub)];
  }
  const client = basicClient(authorization);
  if (!client) return [401, { error: 'invalid_client' }];
  if (grant === 'client_credentials') {
    return [200, tokenResponse(accessToken(client.id, 'runner', client.format), 'runner')];
  }
  if (grant === 'refresh_token') {
    const hash = sha256(form.get('refresh_token') ?? '').toString('hex');
    if (!refresh.delete(hash)) return [400, { error: 'invalid_grant' }];
    const next = `5Aep861${randomBytes(32).toString('base64url')}`;
    refresh.set(sha256(next).toString('hex'), client.id);
    return [200, tokenResponse(accessToken(client.id, 'runner', 'jwt'), 'runner', { refresh_token: next })];
  }
  return [400, { error: 'unsupported_grant_type' }];
}

async function resource(authorization) {
  const t = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
  if (t.split('.').length === 3) {
    const { payload } = await jwtVerify(t, jwks, {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: ISSUER,
      audience: ISSUER,
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
    });
    return { sub: payload.sub };
  }
  const hit = opaque.get(sha256(t).toString('hex'));
  if (!hit || hit.exp * 1000 <= Date.now()) throw new Error('invalid token');
  return { sub: hit.sub };
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/resource') {
    resource(req.headers.authorization).then(
      (who) => send(res, 200, { ok: true, ...who }),
      () => send(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]),
    );
    return;
  }
  if (req.method !== 'POST' || req.url !== '/token') return send(res, 404, { error: 'not_found' });
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    token(new URLSearchParams(body), req.headers.authorization).then(
      ([status, out]) => send(res, status, out),
      () => send(res, 400, { error: 'invalid_grant' }),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(config.port, '127.0.0.1', () => process.stderr.write(`listening on ${ISSUER}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
