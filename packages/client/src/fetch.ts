/**
 * `credential.fetch`: a `fetch` that sends the credential's access token
 * (`Authorization: Bearer`, RFC 6750 §2.1) and, when the server says the token
 * is no good — 401 (RFC 6750 §3.1 `invalid_token`), or a configured status or
 * error-body text such as Salesforce's `INVALID_SESSION_ID` — gets a new token
 * and sends the request again, once. The second answer goes to the caller
 * whatever it is: no refresh loops.
 *
 * The retry needs the request body a second time. Bodies are kept with
 * `Request.clone()` (a stream is teed, so it is buffered in memory as it is
 * sent); with `streamBodies: 'refuse'` a streamed body is sent as is and, if a
 * retry is needed, the token is renewed and `RetryRefusedError` is thrown.
 */
import { RetryRefusedError, S2SClientError } from './errors.ts';
import type { FetchFn } from './token_request.ts';
import type { TokenSet } from './token_set.ts';

export interface TokenSource {
  get(reject?: string): Promise<TokenSet>;
}

export interface AuthorizedFetchOptions {
  credential: string;
  tokens: TokenSource;
  fetch: FetchFn;
  refreshOn: { statuses: number[]; bodyIncludes: string[] };
  streamBodies: 'buffer' | 'refuse';
  /** Base for relative URLs (else the token's `instance_url`). */
  baseUrl?: string;
}

function isStream(body: unknown): boolean {
  if (body === null || body === undefined || typeof body === 'string') return false;
  if (body instanceof ReadableStream) return true;
  return typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

function resolveUrl(credential: string, input: string | URL, base: string | undefined): string {
  if (input instanceof URL) return input.href;
  if (URL.canParse(input)) return input;
  if (base === undefined) {
    throw new S2SClientError(
      credential,
      `credential ${credential}: ${input} is relative, and there is no instanceUrl (configured or in the token response)`,
    );
  }
  // As jsforce does: a path is appended to the instance URL (which may itself have a path).
  return input.startsWith('/') ? `${base}${input}` : new URL(input, `${base}/`).href;
}

/** Does this answer mean "get a new token"? */
async function wantsNewToken(res: Response, on: AuthorizedFetchOptions['refreshOn']): Promise<boolean> {
  if (res.status === 401 || on.statuses.includes(res.status)) return true;
  if (res.status < 400 || on.bodyIncludes.length === 0) return false;
  const text = await res
    .clone()
    .text()
    .catch(() => '');
  return on.bodyIncludes.some((s) => text.includes(s));
}

export function authorizedFetch(o: AuthorizedFetchOptions): FetchFn {
  return async (input, init) => {
    const token = await o.tokens.get();
    const streamed =
      init?.body !== undefined ? isStream(init.body) : input instanceof Request && input.body !== null;
    let request: Request;
    if (input instanceof Request) {
      request = new Request(input, init);
    } else {
      const url = resolveUrl(o.credential, input, o.baseUrl ?? token.instanceUrl);
      // A streamed body must be declared half-duplex (Fetch standard; undici requires it).
      request = new Request(
        url,
        streamed && init && !('duplex' in init) ? ({ ...init, duplex: 'half' } as RequestInit) : init,
      );
    }
    const send = (r: Request, t: TokenSet) => {
      r.headers.set('authorization', `Bearer ${t.accessToken}`);
      return o.fetch(r);
    };

    if (streamed && o.streamBodies === 'refuse') {
      const res = await send(request, token);
      if (!(await wantsNewToken(res, o.refreshOn))) return res;
      await o.tokens.get(token.accessToken);
      throw new RetryRefusedError(o.credential, res);
    }

    const first = await send(request.clone(), token);
    if (!(await wantsNewToken(first, o.refreshOn))) {
      // The kept copy of the body is not needed: let it go. (Not awaited: cancelling one branch
      // of a tee settles only when the other is done too, and the server may not read it all.)
      void request.body?.cancel().catch(() => undefined);
      return first;
    }
    void first.body?.cancel().catch(() => undefined);
    const renewed = await o.tokens.get(token.accessToken);
    return send(request, renewed);
  };
}
