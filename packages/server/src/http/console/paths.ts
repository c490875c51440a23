/** Where the admin console lives: everything under /console (the console cookie's path). */

export const CONSOLE = '/console';

export const CONSOLE_PATHS = {
  home: CONSOLE,
  login: `${CONSOLE}/login`,
  logout: `${CONSOLE}/logout`,
  stylesheet: `${CONSOLE}/assets/console.css`,
  script: `${CONSOLE}/assets/console.js`,
  apps: `${CONSOLE}/apps`,
  newApp: `${CONSOLE}/apps/new`,
  users: `${CONSOLE}/users`,
  newUser: `${CONSOLE}/users/new`,
  activity: `${CONSOLE}/activity`,
} as const;

const seg = encodeURIComponent;

/** Paths of one app and of its parts. */
export function appPath(clientId: string, rest = ''): string {
  return `${CONSOLE_PATHS.apps}/${seg(clientId)}${rest}`;
}

/** Paths of one user (by id) and of its parts. */
export function userPath(userId: string, rest = ''): string {
  return `${CONSOLE_PATHS.users}/${seg(userId)}${rest}`;
}

/** A path with a query string from the defined, non-empty values. */
export function withQuery(path: string, q: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * Where a sign-in may continue: a console page, never elsewhere (no open redirector,
 * RFC 9700 §4.11). Anything else lands on the app list.
 */
export function safeNext(target: string | undefined): string {
  if (!target) return CONSOLE_PATHS.apps;
  const ok =
    (target === CONSOLE || target.startsWith(`${CONSOLE}/`) || target.startsWith(`${CONSOLE}?`)) &&
    !/[\s\\]|\/\/|\/\.\.?(\/|$|\?)/.test(target) &&
    !target.startsWith(CONSOLE_PATHS.login) &&
    !target.startsWith(CONSOLE_PATHS.logout);
  return ok ? target : CONSOLE_PATHS.apps;
}
