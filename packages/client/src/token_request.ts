/**
 * The form POST every flow ends in (RFC 6749 §3.2, §4.4.2, §6; RFC 7521 §4.1),
 * and the reading of its answer: a token response (§5.1) or a typed error (§5.2).
 */
import { OAuthClientError, TokenEndpointError } from './errors.ts';
import type { TokenResponse } from './wire.ts';

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface HttpContext {
  /** The credential's name, for errors. */
  credential: string;
  fetch: FetchFn;
  timeoutMs: number;
}

export interface JsonAnswer {
  status: number;
  body: unknown;
  text: string;
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

async function send(ctx: HttpContext, url: string, init: RequestInit): Promise<JsonAnswer> {
  let res: Response;
  let text: string;
  try {
    res = await ctx.fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(ctx.timeoutMs) });
    text = await res.text();
  } catch (err) {
    const why =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${ctx.timeoutMs} ms`
        : (err as Error).message;
    throw new TokenEndpointError(
      ctx.credential,
      url,
      undefined,
      `credential ${ctx.credential}: ${url}: ${why}`,
      {
        cause: err,
      },
    );
  }
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

/** POSTs a form (`application/x-www-form-urlencoded`, RFC 6749 Appendix B) and reads a JSON answer. */
export function postForm(
  ctx: HttpContext,
  url: string,
  form: URLSearchParams,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  return send(ctx, url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      ...headers,
    },
    body: form.toString(),
  });
}

export function getJson(ctx: HttpContext, url: string): Promise<JsonAnswer> {
  return send(ctx, url, { method: 'GET', redirect: 'follow', headers: { accept: 'application/json' } });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The RFC 6749 §5.2 error in an answer, or a TokenEndpointError describing what came instead. */
export function errorFromAnswer(ctx: HttpContext, url: string, a: JsonAnswer): TokenEndpointError {
  if (isObject(a.body) && typeof a.body.error === 'string' && a.body.error !== '') {
    const b = a.body;
    return new OAuthClientError(ctx.credential, url, a.status, {
      error: b.error as string,
      error_description: typeof b.error_description === 'string' ? b.error_description : undefined,
      error_uri: typeof b.error_uri === 'string' ? b.error_uri : undefined,
    });
  }
  return new TokenEndpointError(
    ctx.credential,
    url,
    a.status,
    `credential ${ctx.credential}: ${url} answered HTTP ${a.status}${a.text ? `: ${snippet(a.text)}` : ''}`,
  );
}

/** Sends a token request and returns the checked token response. */
export async function requestToken(
  ctx: HttpContext,
  url: string,
  form: URLSearchParams,
  headers: Record<string, string> = {},
): Promise<TokenResponse> {
  const a = await postForm(ctx, url, form, headers);
  if (a.status < 200 || a.status > 299) throw errorFromAnswer(ctx, url, a);
  const bad = (why: string) =>
    new TokenEndpointError(ctx.credential, url, a.status, `credential ${ctx.credential}: ${url}: ${why}`);
  if (!isObject(a.body)) throw bad('the token response is not a JSON object');
  const b = a.body;
  if (typeof b.access_token !== 'string' || b.access_token === '')
    throw bad('the token response has no access_token');
  // RFC 6750: we send bearer tokens only. Salesforce always says "Bearer"; tolerate a missing token_type.
  const type = b.token_type ?? 'Bearer';
  if (typeof type !== 'string' || type.toLowerCase() !== 'bearer') {
    throw bad(`token_type ${JSON.stringify(type)} is not supported (only Bearer, RFC 6750)`);
  }
  if (b.refresh_token !== undefined && (typeof b.refresh_token !== 'string' || b.refresh_token === '')) {
    throw bad('refresh_token is not a string');
  }
  let expiresIn: number | undefined;
  if (b.expires_in !== undefined && b.expires_in !== null) {
    const n = typeof b.expires_in === 'string' ? Number(b.expires_in) : b.expires_in;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
      throw bad('expires_in is not a number of seconds');
    expiresIn = n;
  }
  const out: TokenResponse = { ...b, access_token: b.access_token, token_type: type };
  if (expiresIn === undefined) delete out.expires_in;
  else out.expires_in = expiresIn;
  return out;
}
