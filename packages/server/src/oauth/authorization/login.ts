/**
 * Password sign-in for the authorization pages, throttled per username and per address
 * over a sliding window (RFC 6749 §10.10 asks to limit guessing; RFC 9700 §4.1–4.2 keep the
 * login inside the authorization server). Unknown users, wrong passwords, users without a
 * password and inactive users all get the same answer after the same work.
 *
 * The attempt is recorded before the password is checked and counted including itself, so
 * however many requests race, at most the limit of them get a password check per window.
 */
import { randomUUID } from 'node:crypto';
import type { ServerContext } from '../../context.ts';
import { hashPassword, verifyPassword } from '../../domain/hashing.ts';
import type { User } from '../../domain/types.ts';

export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Failed sign-ins allowed per username in the window; the next attempt is refused unchecked. */
export const USERNAME_LIMIT = 5;
/** Failed sign-ins allowed from one address in the window (several users behind one NAT). */
export const ADDRESS_LIMIT = 20;

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

let dummyHash: Promise<string> | undefined;
/** A real scrypt hash to check unknown users against, so they cost what known ones do. */
function dummy(): Promise<string> {
  dummyHash ??= hashPassword('s2s-oauth: no such user');
  return dummyHash;
}

export async function signIn(
  ctx: ServerContext,
  input: { username: string; password: string; address: string },
): Promise<LoginResult> {
  const now = ctx.now();
  const attempt = { id: randomUUID(), username: input.username, address: input.address, at: now };
  const throttle = ctx.store.loginThrottle;
  await throttle.record(attempt);
  // A failure counts for LOGIN_WINDOW_MS: from its time up to, not including, its time + window.
  const counts = await throttle.count(input.username, input.address, now - LOGIN_WINDOW_MS + 1);
  if (counts.username > USERNAME_LIMIT || counts.address > ADDRESS_LIMIT) {
    // A refused attempt is not a guess: it does not extend the lock-out.
    await throttle.delete(attempt.id);
    return { ok: false, reason: 'throttled', retryAfterSeconds: LOGIN_WINDOW_MS / 1000 };
  }

  const user = await ctx.store.users.findByUsername(input.username);
  const hash = user?.passwordHash ?? (await dummy());
  const match = await verifyPassword(input.password, hash);
  if (!user || user.passwordHash === null || !match || !user.active) {
    // The attempt stays recorded as a failure.
    await throttle.purgeBefore(now - LOGIN_WINDOW_MS + 1, 100);
    return { ok: false, reason: 'invalid' };
  }
  await throttle.delete(attempt.id);
  await throttle.clearUsername(input.username);
  return { ok: true, user };
}
