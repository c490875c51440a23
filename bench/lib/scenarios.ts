/**
 * The bench's scenarios as load specs, one builder per scenario. Every contender gets the same
 * requests: the same grant, client authentication (client_secret_basic) and token format.
 */
import type { LoadSpec } from './load.ts';

export const SCENARIOS = {
  'cc-opaque': 'client_credentials, opaque access token',
  'cc-jwt': 'client_credentials, JWT (ES256) access token',
  'jwt-bearer': 'jwt-bearer: RS256 assertion (jti single use) → ES256 JWT access token',
  refresh: 'refresh_token with rotation → ES256 JWT access token',
  'api-jwt': 'protected API, JWT access token validated',
  'api-opaque': 'protected API, opaque access token validated',
  'pair-cc-opaque': 'client_credentials, opaque, empty store (measured beside the next)',
  'big-cc-opaque': 'client_credentials, opaque, 10^6 tokens stored',
  'pair-api-opaque': 'protected API, opaque, empty store (measured beside the next)',
  'big-api-opaque': 'protected API, opaque, 10^6 tokens stored',
} as const;

export type ScenarioId = keyof typeof SCENARIOS;

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const FORM = 'application/x-www-form-urlencoded';

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export function clientCredentials(tokenUrl: string, id: string, secret: string): LoadSpec {
  return {
    url: tokenUrl,
    method: 'POST',
    headers: { 'content-type': FORM, authorization: basic(id, secret) },
    body: 'grant_type=client_credentials&scope=api',
  };
}

/** Each request takes the next pre-signed assertion (every `jti` is used once). */
export function jwtBearer(tokenUrl: string, assertions: string[]): LoadSpec {
  let next = 0;
  return {
    url: tokenUrl,
    method: 'POST',
    headers: { 'content-type': FORM },
    body: 'x',
    setup: (req) => {
      req.body = `grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${assertions[next++ % assertions.length]}`;
      return req;
    },
  };
}

/**
 * Refresh with rotation: a pool of live refresh tokens (one family each); a request takes one
 * and its response puts the successor back. More families than connections keep it full.
 */
export function refreshRotation(tokenUrl: string, id: string, secret: string, pool: string[]): LoadSpec {
  return {
    url: tokenUrl,
    method: 'POST',
    headers: { 'content-type': FORM, authorization: basic(id, secret) },
    body: 'x',
    setup: (req) => {
      const token = pool.shift();
      if (token === undefined) return undefined;
      req.body = `grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}`;
      return req;
    },
    onResponse: (status, body) => {
      if (status === 200) pool.push(JSON.parse(body).refresh_token);
    },
  };
}

export function protectedApi(url: string, token: string): LoadSpec {
  return { url, method: 'GET', headers: { authorization: `Bearer ${token}` } };
}

/** A token from the contender's token endpoint, for the API scenarios. */
export async function fetchToken(tokenUrl: string, id: string, secret: string): Promise<string> {
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': FORM, authorization: basic(id, secret) },
    body: 'grant_type=client_credentials&scope=api',
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) {
    throw new Error(`no token from ${tokenUrl}: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.access_token;
}
