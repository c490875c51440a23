/**
 * The client id a request claims, for keying limits (never for authentication): from
 * `Authorization: Basic` (RFC 6749 §2.3.1, form-encoded id), else the `client_id` form
 * field, else the `iss` of a `client_assertion` (RFC 7523 §3). Read without building the
 * parameter map, and bounded in length; undefined when there is none.
 */
import type { FastifyRequest } from 'fastify';

const MAX = 256;

function decode(v: string): string | undefined {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' ')).slice(0, MAX);
  } catch {
    return undefined;
  }
}

/** The first value of `name` in an x-www-form-urlencoded body. */
export function formField(body: string, name: string): string | undefined {
  const needle = `${name}=`;
  let start = needle.length;
  if (!body.startsWith(needle)) {
    const amp = body.indexOf(`&${needle}`);
    if (amp < 0) return undefined;
    start = amp + 1 + needle.length;
  }
  const end = body.indexOf('&', start);
  return decode(body.slice(start, end < 0 ? undefined : end));
}

function basicId(header: string): string | undefined {
  if (!/^basic /i.test(header)) return undefined;
  const raw = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = raw.indexOf(':');
  return colon > 0 ? decode(raw.slice(0, colon)) : undefined;
}

function jwtIssuer(jwt: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (!payload || payload.length > 8192) return undefined;
  try {
    const iss = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
    return typeof iss === 'string' && iss ? iss.slice(0, MAX) : undefined;
  } catch {
    return undefined;
  }
}

export function claimedClientId(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  const fromHeader = auth ? basicId(auth) : undefined;
  if (fromHeader) return fromHeader;
  const body = typeof req.body === 'string' ? req.body : '';
  if (!body) return undefined;
  const id = formField(body, 'client_id');
  if (id) return id;
  const assertion = formField(body, 'client_assertion');
  return assertion ? jwtIssuer(assertion) : undefined;
}
