/**
 * Headers every answer carries, and those every HTML page carries unless its route set its
 * own (the authorization pages set a per-page CSP and more, pages/respond.ts):
 * - all: `X-Content-Type-Options: nosniff`; over HTTPS, `Strict-Transport-Security`
 *   (RFC 6797; one year; includeSubDomains and preload are the operator's to add at the proxy);
 * - HTML: a CSP that allows only our stylesheet and forms to us, no framing, no referrer,
 *   and cross-origin isolation of the window (COOP) and the resource (CORP).
 */
import type { FastifyInstance } from 'fastify';

const HTML_DEFAULTS: [string, string][] = [
  [
    'content-security-policy',
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  ],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
  ['cross-origin-opener-policy', 'same-origin'],
  ['cross-origin-resource-policy', 'same-origin'],
  ['permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()'],
];

const HSTS = 'max-age=31536000';

export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (req, reply, payload, done) => {
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS);
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      for (const [name, value] of HTML_DEFAULTS) if (!reply.hasHeader(name)) reply.header(name, value);
    }
    done(null, payload);
  });
}
