/** Scope parsing and narrowing (RFC 6749 §3.3). */
import { OAuthError } from './errors.ts';

/** Scopes Salesforce defines, offered by the admin tools; apps may also use their own. */
export const KNOWN_SCOPES = [
  'api',
  'web',
  'full',
  'id',
  'profile',
  'email',
  'address',
  'phone',
  'openid',
  'refresh_token',
  'offline_access',
  'custom_permissions',
  'chatter_api',
  'visualforce',
  'wave_api',
  'eclair_api',
  'lightning',
  'content',
  'pardot_api',
  'cdp_query_api',
] as const;

// scope-token = 1*( %x21 / %x23-5B / %x5D-7E )  (RFC 6749 §3.3)
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(s: string): boolean {
  return SCOPE_TOKEN.test(s);
}

/** Parses a `scope` parameter; undefined when absent or empty. */
export function parseScopeParam(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const parts = raw.split(' ');
  for (const p of parts) {
    if (!isScopeToken(p)) throw new OAuthError('invalid_scope', 'scope parameter is malformed');
  }
  return [...new Set(parts)];
}

/**
 * The scopes to grant: what was requested, which must be a subset of what is
 * allowed (RFC 7521 §4.1, RFC 6749 §3.3), or everything allowed when nothing was requested.
 */
export function narrowScopes(requested: string[] | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...allowed];
  const allow = new Set(allowed);
  const extra = requested.filter((s) => !allow.has(s));
  if (extra.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `requested scope is not allowed for this client: ${extra.join(' ')}`,
    );
  }
  return requested;
}
