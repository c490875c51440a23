/**
 * Pre-authorizations: who may use an app whose Permitted Users policy is
 * "admin approved" (Salesforce: Manage Profiles / Manage Permission Sets).
 * Either one user, by username, or every user of a profile.
 */
import type { ServerContext } from '../context.ts';
import { KeyPrefix, newId } from '../domain/ids.ts';
import type { Preauthorization } from '../domain/types.ts';
import { OAuthError } from '../oauth/errors.ts';
import { findAppOr404 } from './apps.ts';
import { asObject, bad, onlyKeys, str } from './validate.ts';

export function preauthorizationView(p: Preauthorization) {
  return { id: p.id, kind: p.kind, value: p.value, createdAt: new Date(p.createdAt).toISOString() };
}

export async function addPreauthorization(ctx: ServerContext, clientId: string, body: unknown) {
  const app = await findAppOr404(ctx, clientId);
  const o = asObject(body, 'body');
  onlyKeys(o, ['username', 'profile'], '');
  if ((o.username === undefined) === (o.profile === undefined)) {
    throw bad(o.username === undefined ? 'username' : 'profile', 'give exactly one of username or profile');
  }
  let p: Preauthorization;
  const base = { id: newId(KeyPrefix.preauthorization), appId: app.id, createdAt: ctx.now() };
  if (o.username !== undefined) {
    const username = str(o.username, 'username', { max: 80 });
    if (!(await ctx.store.users.findByUsername(username))) throw bad('username', `no user named ${username}`);
    p = { ...base, kind: 'user', value: username };
  } else {
    p = { ...base, kind: 'profile', value: str(o.profile, 'profile', { max: 80 }) };
  }
  if (!(await ctx.store.preauthorizations.add(p))) {
    throw new OAuthError('conflict', `this ${p.kind} is already pre-authorized for the app`, {
      field: p.kind === 'user' ? 'username' : 'profile',
    });
  }
  return preauthorizationView(p);
}

export async function listPreauthorizations(ctx: ServerContext, clientId: string) {
  const app = await findAppOr404(ctx, clientId);
  return (await ctx.store.preauthorizations.list(app.id)).map(preauthorizationView);
}

export async function removePreauthorization(
  ctx: ServerContext,
  clientId: string,
  id: string,
): Promise<void> {
  const app = await findAppOr404(ctx, clientId);
  if (!(await ctx.store.preauthorizations.delete(app.id, id))) {
    throw new OAuthError('not_found', 'the app has no pre-authorization with that id');
  }
}

/** Removes every pre-authorization naming this username, across all apps (the user is being deleted). */
export async function removeUserPreauthorizations(ctx: ServerContext, username: string): Promise<void> {
  for (const app of await ctx.store.apps.list()) {
    for (const p of await ctx.store.preauthorizations.list(app.id)) {
      if (p.kind === 'user' && p.value === username) await ctx.store.preauthorizations.delete(app.id, p.id);
    }
  }
}
