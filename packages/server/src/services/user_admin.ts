/**
 * Users as the admin API sees them. Apps refer to users by username (the
 * client-credentials run-as user, user pre-authorizations), so a rename or a
 * delete must not leave such a reference dangling or, worse, hand it to the
 * next user who takes the name.
 */
import type { ServerContext } from '../context.ts';
import { OAuthError } from '../oauth/errors.ts';
import { removeUserPreauthorizations } from './preauthorizations.ts';
import { createUser, findUserOr404, updateUser, userView } from './users.ts';

export type UserView = ReturnType<typeof userView>;

/** Client ids of the apps whose client-credentials flow runs as this username. */
async function appsRunningAs(ctx: ServerContext, username: string): Promise<string[]> {
  const apps = await ctx.store.apps.list();
  return apps.filter((a) => a.policies.clientCredentials.runAs === username).map((a) => a.clientId);
}

async function hasUserPreauthorization(ctx: ServerContext, username: string): Promise<boolean> {
  for (const app of await ctx.store.apps.list()) {
    const list = await ctx.store.preauthorizations.list(app.id);
    if (list.some((p) => p.kind === 'user' && p.value === username)) return true;
  }
  return false;
}

export async function createUserView(ctx: ServerContext, body: unknown): Promise<UserView> {
  return userView(await createUser(ctx, body));
}

export async function getUserView(ctx: ServerContext, idOrUsername: string): Promise<UserView> {
  return userView(await findUserOr404(ctx, idOrUsername));
}

export async function listUserViews(ctx: ServerContext): Promise<UserView[]> {
  return (await ctx.store.users.list()).map(userView);
}

export async function updateUserView(
  ctx: ServerContext,
  idOrUsername: string,
  body: unknown,
): Promise<UserView> {
  const user = await findUserOr404(ctx, idOrUsername);
  const rename = (body as { username?: unknown } | null)?.username;
  if (typeof rename === 'string' && rename !== user.username) {
    const apps = await appsRunningAs(ctx, user.username);
    if (apps.length > 0 || (await hasUserPreauthorization(ctx, user.username))) {
      throw new OAuthError(
        'conflict',
        'apps refer to this user by username (client-credentials run-as or a pre-authorization); change those first',
        { field: 'username' },
      );
    }
  }
  return userView(await updateUser(ctx, user.id, body));
}

/** Deletes the user with their approvals, tokens and user pre-authorizations. */
export async function deleteUser(ctx: ServerContext, idOrUsername: string): Promise<void> {
  const user = await findUserOr404(ctx, idOrUsername);
  const apps = await appsRunningAs(ctx, user.username);
  if (apps.length > 0) {
    throw new OAuthError(
      'conflict',
      `the user is the client-credentials run-as user of ${apps.length} app(s) (${apps.join(', ')}); change those first`,
    );
  }
  await removeUserPreauthorizations(ctx, user.username);
  await ctx.store.users.delete(user.id);
}
