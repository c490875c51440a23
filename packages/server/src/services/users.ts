/** Users: validation of admin input and the rules of creation and change. */
import type { ServerContext } from '../context.ts';
import { hashPassword } from '../domain/hashing.ts';
import { isSalesforceId, KeyPrefix, newId } from '../domain/ids.ts';
import type { User } from '../domain/types.ts';
import { OAuthError } from '../oauth/errors.ts';
import { asObject, bad, bool, onlyKeys, optStr, str } from './validate.ts';

const USER_FIELDS = ['username', 'password', 'email', 'firstName', 'lastName', 'profile', 'active'] as const;

export const DEFAULT_PROFILE = 'Standard User';

function username(v: unknown): string {
  const u = str(v, 'username', { max: 80 });
  // Salesforce usernames have the form of an email address; we ask only for no spaces or controls.
  if (/[\s\p{Cc}]/u.test(u)) throw bad('username', 'must not contain spaces or control characters');
  return u;
}

async function password(v: unknown): Promise<string> {
  const p = str(v, 'password', { min: 8, max: 256 });
  return hashPassword(p);
}

export async function createUser(ctx: ServerContext, body: unknown): Promise<User> {
  const o = asObject(body, 'body');
  onlyKeys(o, USER_FIELDS, '');
  const now = ctx.now();
  const user: User = {
    id: newId(KeyPrefix.user),
    username: username(o.username),
    passwordHash: o.password === undefined || o.password === null ? null : await password(o.password),
    email: optStr(o.email, 'email'),
    firstName: optStr(o.firstName, 'firstName', { max: 80 }),
    lastName: optStr(o.lastName, 'lastName', { max: 80 }),
    profile: o.profile === undefined ? DEFAULT_PROFILE : str(o.profile, 'profile', { max: 80 }),
    active: o.active === undefined ? true : bool(o.active, 'active'),
    createdAt: now,
    updatedAt: now,
  };
  if (!(await ctx.store.users.create(user))) {
    throw new OAuthError('conflict', 'username is already taken', { field: 'username' });
  }
  return user;
}

/** A user by 18-character id or by username. */
export async function findUserOr404(ctx: ServerContext, idOrUsername: string): Promise<User> {
  const user = isSalesforceId(idOrUsername)
    ? await ctx.store.users.findById(idOrUsername)
    : await ctx.store.users.findByUsername(idOrUsername);
  if (!user) throw new OAuthError('not_found', 'no such user');
  return user;
}

export async function updateUser(ctx: ServerContext, idOrUsername: string, body: unknown): Promise<User> {
  const user = await findUserOr404(ctx, idOrUsername);
  const o = asObject(body, 'body');
  onlyKeys(o, USER_FIELDS, '');
  const next: User = {
    ...user,
    username: o.username === undefined ? user.username : username(o.username),
    passwordHash:
      o.password === undefined ? user.passwordHash : o.password === null ? null : await password(o.password),
    email: o.email === undefined ? user.email : optStr(o.email, 'email'),
    firstName: o.firstName === undefined ? user.firstName : optStr(o.firstName, 'firstName', { max: 80 }),
    lastName: o.lastName === undefined ? user.lastName : optStr(o.lastName, 'lastName', { max: 80 }),
    profile: o.profile === undefined ? user.profile : str(o.profile, 'profile', { max: 80 }),
    active: o.active === undefined ? user.active : bool(o.active, 'active'),
    updatedAt: ctx.now(),
  };
  if (!(await ctx.store.users.update(next))) {
    throw new OAuthError('conflict', 'username is already taken', { field: 'username' });
  }
  return next;
}

/** The public view of a user: never the password hash. */
export function userView(u: User) {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    profile: u.profile,
    active: u.active,
    hasPassword: u.passwordHash !== null,
    createdAt: new Date(u.createdAt).toISOString(),
    updatedAt: new Date(u.updatedAt).toISOString(),
  };
}
