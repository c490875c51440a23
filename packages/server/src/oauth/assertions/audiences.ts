/**
 * The `aud` values an assertion may carry (RFC 7523 §3 item 3), compared by
 * exact string match (RFC 3986 §6.2.1): no prefix match, no case folding.
 */
import type { ProtocolSettings } from '../../context.ts';
import { tokenEndpointUrl } from '../../context.ts';
import type { App } from '../../domain/types.ts';

/**
 * Authorization grants: the issuer with or without a trailing slash (the
 * Salesforce CLI sends `new URL(loginUrl).href`, clients.md §2), the token
 * endpoint URL (RFC 7523 §3), and the configured extras (S2S_ACCEPTED_AUDIENCES,
 * e.g. https://login.salesforce.com for clients that hard-code it).
 */
export function grantAudiences(s: ProtocolSettings): string[] {
  return [s.issuer, `${s.issuer}/`, tokenEndpointUrl(s), ...s.extraAudiences];
}

/**
 * Client authentication: the issuer identifier only (draft-ietf-oauth-
 * rfc7523bis §4, the audience-injection fix). The token endpoint URL only for
 * an app that opts in with `assertion.allowTokenEndpointAudience`.
 */
export function clientAudiences(s: ProtocolSettings, app: App): string[] {
  return app.policies.assertion.allowTokenEndpointAudience === true
    ? [s.issuer, tokenEndpointUrl(s)]
    : [s.issuer];
}
