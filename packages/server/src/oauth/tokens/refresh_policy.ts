/**
 * The app's refresh token policy (Salesforce's Refresh Token Policy, salesforce-flows.md
 * §4) as pure functions of the policy, the family and the token: when does a refresh
 * token stop working? RFC 9700 §4.14.2: refresh tokens SHOULD expire after a period of
 * inactivity; an absolute maximum bounds the whole family and rotation never extends it.
 */
import type { App, RefreshFamily, RefreshTokenPolicies, RefreshTokenRecord } from '../../domain/types.ts';

export type EffectiveRefreshPolicies = Required<RefreshTokenPolicies>;

/** Defaults of every field; apps stored before a field existed read as these. */
export const REFRESH_TOKEN_DEFAULTS: EffectiveRefreshPolicies = {
  // Salesforce's default: "Refresh token is valid until revoked".
  policy: 'until_revoked',
  seconds: null,
  rotate: true,
  requireSecret: true,
  graceSeconds: 0,
  maxLifetimeSeconds: null,
};

export function refreshPolicies(app: App): EffectiveRefreshPolicies {
  return { ...REFRESH_TOKEN_DEFAULTS, ...app.policies.refreshToken } as EffectiveRefreshPolicies;
}

/** Scopes that ask for a refresh token (Salesforce: `refresh_token`, `offline_access`). */
export const REFRESH_SCOPES: readonly string[] = ['refresh_token', 'offline_access'];

/**
 * Whether a grant with these scopes gets a refresh token: one of REFRESH_SCOPES was
 * granted and the policy is not "immediately expire" (a token that could never be used
 * is not issued; RFC 9700 §4.14.2 leaves issuing one to the server's judgement).
 */
export function offersRefreshToken(app: App, scopes: readonly string[]): boolean {
  return refreshPolicies(app).policy !== 'immediately' && scopes.some((s) => REFRESH_SCOPES.includes(s));
}

/** The absolute end of a new family (stored with it): rotation never moves it. Null = none. */
export function familyExpiresAt(p: EffectiveRefreshPolicies, createdAt: number): number | null {
  const ends: number[] = [];
  if (p.maxLifetimeSeconds !== null) ends.push(createdAt + p.maxLifetimeSeconds * 1000);
  if (p.policy === 'expire_after' && p.seconds !== null) ends.push(createdAt + p.seconds * 1000);
  return ends.length === 0 ? null : Math.min(...ends);
}

/**
 * When the family stops working under the policy in force now (a stricter policy set
 * later applies to families issued before it) and the end fixed at creation. Null = never.
 */
export function familyDeadline(p: EffectiveRefreshPolicies, family: RefreshFamily): number | null {
  const ends: number[] = [];
  if (family.expiresAt !== null) ends.push(family.expiresAt);
  if (p.policy === 'immediately') ends.push(family.createdAt);
  if (p.policy === 'expire_after' && p.seconds !== null) ends.push(family.createdAt + p.seconds * 1000);
  return ends.length === 0 ? null : Math.min(...ends);
}

/** "Expire refresh token if not used for N": N after the token's last use (or issue). */
export function idleDeadline(p: EffectiveRefreshPolicies, token: RefreshTokenRecord): number | null {
  if (p.policy !== 'expire_if_unused' || p.seconds === null) return null;
  return (token.lastUsedAt ?? token.issuedAt) + p.seconds * 1000;
}

/** The earlier of the family's and the token's deadline (introspection's `exp`). Null = never. */
export function refreshTokenDeadline(
  p: EffectiveRefreshPolicies,
  family: RefreshFamily,
  token: RefreshTokenRecord,
): number | null {
  const ends = [familyDeadline(p, family), idleDeadline(p, token)].filter((x): x is number => x !== null);
  return ends.length === 0 ? null : Math.min(...ends);
}

/** Whether a deadline (epoch ms, or null = never) has passed at `now`. */
export const passed = (deadline: number | null, now: number): boolean => deadline !== null && now >= deadline;
