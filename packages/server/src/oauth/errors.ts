/**
 * The closed OAuth error vocabulary and the one error class the core throws.
 * Serialised to the wire in exactly one place: http/errors.ts.
 */

export type OAuthErrorCode =
  // RFC 6749 §5.2 (token endpoint)
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  // RFC 6749 §4.1.2.1 (authorization endpoint)
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  // RFC 6750 §3.1 (resource server)
  | 'invalid_token'
  | 'insufficient_scope'
  // RFC 7009 §2.2.1
  | 'unsupported_token_type'
  // Salesforce's own codes
  | 'invalid_client_id'
  | 'invalid_app_access'
  | 'inactive_user'
  // Admin API
  | 'not_found'
  | 'conflict'
  | 'unauthorized';

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  unsupported_response_type: 400,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_token: 401,
  insufficient_scope: 403,
  unsupported_token_type: 400,
  invalid_client_id: 400,
  invalid_app_access: 400,
  inactive_user: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
};

export interface OAuthErrorOptions {
  /** HTTP status; defaults to the code's usual one. */
  status?: number;
  /** Logged, never sent: the real reason behind a deliberately vague description. */
  detail?: string;
  /** For admin-API validation errors: the offending field. */
  field?: string;
  /** For 401 invalid_client: the authentication scheme the client tried (RFC 6749 §5.2). */
  authScheme?: 'Basic' | 'Bearer';
  cause?: unknown;
}

export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly description: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly field: string | undefined;
  readonly authScheme: 'Basic' | 'Bearer' | undefined;

  constructor(code: OAuthErrorCode, description: string, opts: OAuthErrorOptions = {}) {
    super(`${code}: ${description}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.description = description;
    this.status = opts.status ?? STATUS[code];
    this.detail = opts.detail;
    this.field = opts.field;
    this.authScheme = opts.authScheme;
  }
}

export function isOAuthError(e: unknown): e is OAuthError {
  return e instanceof OAuthError;
}
