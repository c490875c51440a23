/** Small formatting helpers of the console: times in UTC, grant types in words, badges. */
import { type Html, html } from '../pages/html.ts';

/** `2026-11-29 16:43 UTC` (an ISO string or epoch ms). */
export function when(t: string | number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A <time> element with the exact instant in `datetime`. */
export function time(t: string | number): Html {
  const d = new Date(t);
  return html`<time datetime="${Number.isNaN(d.getTime()) ? '' : d.toISOString()}">${when(t)}</time>`;
}

const GRANT_NAMES: Record<string, string> = {
  client_credentials: 'Client credentials',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'JWT bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer': 'SAML bearer',
  refresh_token: 'Refresh token',
  authorization_code: 'Authorization code',
};

/** A grant type in words (the wire value when unknown). */
export function grantName(grantType: string | null): string {
  if (grantType === null || grantType === 'unknown') return 'Unknown';
  return GRANT_NAMES[grantType] ?? grantType;
}

export type BadgeKind = 'ok' | 'warn' | 'bad' | 'plain';

export function badge(text: string, kind: BadgeKind = 'plain'): Html {
  return html`<span class="badge badge-${kind}">${text}</span>`;
}

/** "in 3 days", "2 days ago" for certificate validity. */
export function daysFrom(now: number, t: number): string {
  const days = Math.round((t - now) / 86_400_000);
  if (days === 0) return 'today';
  return days > 0 ? `in ${days} day${days === 1 ? '' : 's'}` : `${-days} day${days === -1 ? '' : 's'} ago`;
}
