/**
 * Sending pages and redirects with the headers every authorization page carries:
 * a strict CSP (no scripts, our stylesheet only, forms only to us — and to the client's
 * redirect origin when a form leads there, since `form-action` also covers the redirects
 * after a submission), no framing (clickjacking, RFC 6749 §10.13), no referrer (RFC 9700
 * §4.2.4: codes in URLs must not leak through Referer), never cached.
 */
import type { FastifyReply } from 'fastify';
import type { Html } from './html.ts';

function common(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff');
}

export function contentSecurityPolicy(
  formActions: readonly string[] = [],
  opts: { scripts?: boolean } = {},
): string {
  const actions = ["'self'", ...new Set(formActions)].join(' ');
  return [
    "default-src 'none'",
    "style-src 'self'",
    // Only pages that load our own small scripts (the admin console) allow them; never inline.
    ...(opts.scripts ? ["script-src 'self'"] : []),
    `form-action ${actions}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function sendPage(
  reply: FastifyReply,
  page: Html,
  opts: { status?: number; formActions?: readonly string[]; scripts?: boolean } = {},
): FastifyReply {
  return common(reply)
    .code(opts.status ?? 200)
    .header('content-security-policy', contentSecurityPolicy(opts.formActions, { scripts: opts.scripts }))
    .type('text/html; charset=utf-8')
    .send(page.text);
}

/** 302 after a GET (RFC 6749 §4.1.2 example), 303 after a form POST (the browser follows with GET). */
export function sendRedirect(reply: FastifyReply, location: string, status: 302 | 303 = 302): FastifyReply {
  return common(reply).code(status).header('location', location).send();
}
