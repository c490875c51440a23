/**
 * Which scopes each protected resource needs: the one place this rule lives
 * (docs/resource-server.md has the same table).
 *
 * Salesforce's scope meanings: `api` is REST/Bulk API access; `full` covers
 * every other scope; `id`, `profile`, `email`, `address` and `phone` are
 * synonyms that open the identity URL; `openid` opens the OpenID Connect
 * userinfo. Tokens minted for `sf` and jsforce usually carry `api` only, and
 * `sf` calls userinfo with them (salesforce-flows.md §6.3), so `api` opens
 * identity too. A token lacking every listed scope gets 403 with
 * `error="insufficient_scope"` naming `challenge` (RFC 6750 §3.1).
 */

export interface ScopeRule {
  /** The token needs at least one of these. */
  anyOf: readonly string[];
  /** The scope named in the `WWW-Authenticate` challenge when none is held. */
  challenge: string;
}

export const RESOURCE_SCOPES = {
  /** `/services/data/v{version}/…` (the REST API). */
  data: { anyOf: ['api', 'full'], challenge: 'api' },
  /** `/services/oauth2/userinfo` and `/id/{orgId}/{userId}`. */
  identity: {
    anyOf: ['id', 'openid', 'profile', 'email', 'address', 'phone', 'api', 'full'],
    challenge: 'id',
  },
} as const satisfies Record<string, ScopeRule>;

export type ResourceKind = keyof typeof RESOURCE_SCOPES;

export function allows(kind: ResourceKind, granted: readonly string[]): boolean {
  const need: readonly string[] = RESOURCE_SCOPES[kind].anyOf;
  return granted.some((s) => need.includes(s));
}
