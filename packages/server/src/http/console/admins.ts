/**
 * Who may use the console: an active user whose profile is `System Administrator`
 * (Salesforce's profile with "Customize Application" and "Manage Users"; the demo user has
 * it), signed in with their password — or whoever holds the admin token of the admin API.
 *
 * Both sign-ins are throttled like the authorization pages' (oauth/authorization/login.ts):
 * failures per username (the admin token counts as one name that no user can have, since
 * usernames hold no spaces) and per address over a sliding window.
 */
import { randomUUID } from 'node:crypto';
import { ADMIN_TOKEN_SETTING } from '../../bootstrap.ts';
import type { ServerContext } from '../../context.ts';
import { digestEquals, sha256Hex } from '../../domain/hashing.ts';
import type { User } from '../../domain/types.ts';
import {
  ADDRESS_LIMIT,
  LOGIN_WINDOW_MS,
  type LoginResult,
  signIn,
  USERNAME_LIMIT,
} from '../../oauth/authorization/login.ts';

export const ADMIN_PROFILE = 'System Administrator';

/** The throttling name of admin-token sign-ins (a space: never a username). */
const TOKEN_THROTTLE_NAME = ' admin token';

export function isConsoleAdmin(user: User): boolean {
  return user.active && user.profile === ADMIN_PROFILE;
}

/** Password sign-in of an admin user; a user who is not an administrator is `invalid`. */
export async function signInAdminUser(
  ctx: ServerContext,
  input: { username: string; password: string; address: string },
): Promise<LoginResult> {
  const result = await signIn(ctx, input);
  if (result.ok && !isConsoleAdmin(result.user)) return { ok: false, reason: 'invalid' };
  return result;
}

export type TokenSignIn =
  | { ok: true }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/** Sign-in with the admin API's token, compared as the API compares it (SHA-256, constant time). */
export async function signInAdminToken(
  ctx: ServerContext,
  input: { token: string; address: string },
): Promise<TokenSignIn> {
  const now = ctx.now();
  const throttle = ctx.store.loginThrottle;
  const attempt = { id: randomUUID(), username: TOKEN_THROTTLE_NAME, address: input.address, at: now };
  await throttle.record(attempt);
  const counts = await throttle.count(TOKEN_THROTTLE_NAME, input.address, now - LOGIN_WINDOW_MS + 1);
  if (counts.username > USERNAME_LIMIT * 4 || counts.address > ADDRESS_LIMIT) {
    await throttle.delete(attempt.id);
    return { ok: false, reason: 'throttled', retryAfterSeconds: LOGIN_WINDOW_MS / 1000 };
  }
  const stored = await ctx.store.settings.get(ADMIN_TOKEN_SETTING);
  if (!stored || !digestEquals(sha256Hex(input.token), stored)) {
    await throttle.purgeBefore(now - LOGIN_WINDOW_MS + 1, 100);
    return { ok: false, reason: 'invalid' };
  }
  await throttle.delete(attempt.id);
  return { ok: true };
}
