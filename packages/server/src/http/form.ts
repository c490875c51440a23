/** Reading form-encoded OAuth requests off Fastify, with the checks RFC 6749 asks of every endpoint. */
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../oauth/errors.ts';
import { type Params, parseForm } from '../oauth/params.ts';

/**
 * The body of a POST to an OAuth endpoint: application/x-www-form-urlencoded only
 * (RFC 6749 §3.2, §4.4.2; RFC 7009 §2.1; RFC 7662 §2.1). Parameters in the query
 * string are refused: credentials MUST NOT travel in the URI (RFC 6749 §2.3.1).
 */
export function formParams(req: FastifyRequest): Params {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'content type must be application/x-www-form-urlencoded');
  }
  if (req.url.includes('?')) {
    throw new OAuthError('invalid_request', 'parameters must be sent in the request body, not the URL');
  }
  return parseForm(typeof req.body === 'string' ? req.body : '');
}

export function sourceIp(req: FastifyRequest): string | null {
  return req.ip ?? null;
}
