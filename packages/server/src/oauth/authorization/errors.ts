/**
 * The two ways an authorization request fails (RFC 6749 §4.1.2.1):
 * - PageError: the client or the redirect URI cannot be trusted, so the user sees an
 *   error page and is never redirected (RFC 6749 §3.1.2.4, RFC 9700 §4.11 open redirector);
 * - RedirectError: everything else goes back to the client's redirect URI with `error`,
 *   `error_description` and the request's `state`.
 */

export type AuthorizeErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable';

export class PageError extends Error {
  constructor(
    readonly title: string,
    /** Shown to the user: plain words, no secrets. */
    readonly explanation: string,
    readonly status = 400,
  ) {
    super(`${title}: ${explanation}`);
    this.name = 'PageError';
  }
}

export class RedirectError extends Error {
  constructor(
    readonly code: AuthorizeErrorCode,
    readonly description: string,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(`${code}: ${description}`);
    this.name = 'RedirectError';
  }
}
