/** Where the authorization pages live (all under the session cookie's path, /services/oauth2). */
export const PATHS = {
  authorize: '/services/oauth2/authorize',
  consent: '/services/oauth2/authorize/consent',
  login: '/services/oauth2/login',
  logout: '/services/oauth2/logout',
  approvals: '/services/oauth2/approvals',
  revokeApproval: '/services/oauth2/approvals/revoke',
  stylesheet: '/services/oauth2/assets/style.css',
} as const;

/**
 * Where a sign-in may continue: an authorization request (re-validated there) or the
 * approvals page. Anything else falls back to the approvals page, so the login form
 * cannot be turned into an open redirector (RFC 9700 §4.11).
 */
export function safeContinue(target: string | undefined): string {
  if (target === PATHS.approvals) return target;
  if (target?.startsWith(`${PATHS.authorize}?`) && !/[\s\\]/.test(target)) return target;
  return PATHS.approvals;
}
