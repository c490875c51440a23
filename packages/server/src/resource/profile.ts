/**
 * What userinfo and the identity URL say about a user, in Salesforce's field
 * names (salesforce-flows.md §6.3, §6.4). Pure functions of the user and the
 * org: no HTTP in here.
 *
 * Fields we have no data for get fixed values (time zone GMT, locale en_US,
 * user type STANDARD); `email_verified` is false because we never verify an
 * address. userinfo leaves out claims it has no value for (OpenID Connect
 * Core §5.3.2); the identity URL, like Salesforce, sends them as null.
 */
import { identityUrl, type ServerContext } from '../context.ts';
import type { User } from '../domain/types.ts';

/** The literal template Salesforce leaves in URLs when no version is asked for. */
export const VERSION_TEMPLATE = '{version}';

const FIXED = {
  timezone: 'GMT',
  language: 'en_US',
  locale: 'en_US',
  utcOffset: 0,
  user_type: 'STANDARD',
} as const;

/** Salesforce's `urls` object; `version` replaces the `{version}` template when given. */
export function serviceUrls(
  ctx: ServerContext,
  user: User,
  version = VERSION_TEMPLATE,
): Record<string, string> {
  const base = ctx.settings.issuer;
  const org15 = ctx.orgId.slice(0, 15);
  const rest = `${base}/services/data/v${version}`;
  return {
    enterprise: `${base}/services/Soap/c/${version}/${org15}`,
    metadata: `${base}/services/Soap/m/${version}/${org15}`,
    partner: `${base}/services/Soap/u/${version}/${org15}`,
    rest: `${rest}/`,
    sobjects: `${rest}/sobjects/`,
    search: `${rest}/search/`,
    query: `${rest}/query/`,
    recent: `${rest}/recent/`,
    tooling_soap: `${base}/services/Soap/T/${version}/${org15}`,
    tooling_rest: `${rest}/tooling/`,
    profile: `${base}/${user.id}`,
    feeds: `${rest}/chatter/feeds`,
    groups: `${rest}/chatter/groups`,
    users: `${rest}/chatter/users`,
    feed_items: `${rest}/chatter/feed-items`,
    feed_elements: `${rest}/chatter/feed-elements`,
    custom_domain: base,
  };
}

function displayName(u: User): string {
  return [u.firstName, u.lastName].filter(Boolean).join(' ') || u.username;
}

function nickname(u: User): string {
  return u.username.split('@')[0]!;
}

/** `2024-05-01T10:20:30Z` */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Salesforce's REST datetime: `2024-05-01T10:20:30.000+0000`. */
function sfDatetime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+0000');
}

/** `GET /services/oauth2/userinfo` (OpenID Connect claims plus Salesforce's own). */
export function userinfoDocument(ctx: ServerContext, user: User): Record<string, unknown> {
  return {
    sub: identityUrl(ctx.settings, ctx.orgId, user.id),
    user_id: user.id,
    organization_id: ctx.orgId,
    preferred_username: user.username,
    nickname: nickname(user),
    name: displayName(user),
    ...(user.email ? { email: user.email, email_verified: false } : {}),
    ...(user.firstName ? { given_name: user.firstName } : {}),
    ...(user.lastName ? { family_name: user.lastName } : {}),
    zoneinfo: FIXED.timezone,
    is_salesforce_integration_user: false,
    urls: serviceUrls(ctx, user),
    active: user.active,
    user_type: FIXED.user_type,
    language: FIXED.language,
    locale: FIXED.locale,
    utcOffset: FIXED.utcOffset,
    updated_at: isoSeconds(user.updatedAt),
    is_app_installed: true,
  };
}

/** `GET /id/{orgId}/{userId}` (Salesforce's identity service). */
export function identityDocument(ctx: ServerContext, user: User, version?: string): Record<string, unknown> {
  return {
    id: identityUrl(ctx.settings, ctx.orgId, user.id),
    asserted_user: true,
    user_id: user.id,
    organization_id: ctx.orgId,
    username: user.username,
    nick_name: nickname(user),
    display_name: displayName(user),
    email: user.email,
    email_verified: false,
    first_name: user.firstName,
    last_name: user.lastName,
    timezone: FIXED.timezone,
    photos: { picture: null, thumbnail: null },
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: null,
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: serviceUrls(ctx, user, version),
    active: user.active,
    user_type: FIXED.user_type,
    language: FIXED.language,
    locale: FIXED.locale,
    utcOffset: FIXED.utcOffset,
    last_modified_date: sfDatetime(user.updatedAt),
    is_app_installed: true,
  };
}
