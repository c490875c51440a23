/**
 * Client secrets of an app (RFC 6749 §2.3.1). Several may be live at once so a
 * secret can be rotated without downtime: add the new one, move the clients,
 * delete the old one. An app always keeps at least one.
 */
import type { ServerContext } from '../context.ts';
import { OAuthError } from '../oauth/errors.ts';
import { secretView } from './app_view.ts';
import { findAppOr404, newSecret } from './apps.ts';
import { asObject, onlyKeys } from './validate.ts';

/** Enough for staged rotation; more would only widen what a leak exposes. */
export const MAX_SECRETS = 5;

export async function listSecrets(ctx: ServerContext, clientId: string) {
  const app = await findAppOr404(ctx, clientId);
  return (await ctx.store.apps.secrets(app.id)).map(secretView);
}

/** A new secret; the plain value is returned here and never again (only its hash is stored). */
export async function addSecret(ctx: ServerContext, clientId: string, body: unknown) {
  const app = await findAppOr404(ctx, clientId);
  if (body !== undefined) onlyKeys(asObject(body, 'body'), [], '');
  const existing = await ctx.store.apps.secrets(app.id);
  if (existing.length >= MAX_SECRETS) {
    throw new OAuthError(
      'conflict',
      `an app may hold at most ${MAX_SECRETS} secrets; delete an old one first`,
    );
  }
  const { secret, record } = newSecret(app.id, ctx.now());
  await ctx.store.apps.addSecret(record);
  return { ...secretView(record), clientSecret: secret };
}

export async function removeSecret(ctx: ServerContext, clientId: string, secretId: string): Promise<void> {
  const app = await findAppOr404(ctx, clientId);
  const secrets = await ctx.store.apps.secrets(app.id);
  const target = secrets.find((s) => s.id === secretId);
  if (!target) throw new OAuthError('not_found', 'the app has no secret with that id');
  const lastOne = () =>
    new OAuthError('conflict', 'an app must keep at least one secret; add a new one before deleting this');
  if (secrets.length === 1) throw lastOne();
  if (!(await ctx.store.apps.deleteSecret(app.id, secretId))) {
    throw new OAuthError('not_found', 'the app has no secret with that id');
  }
  // Two concurrent deletes may each have seen the other secret; if none is left, put this one back.
  if ((await ctx.store.apps.secrets(app.id)).length === 0) {
    await ctx.store.apps.addSecret(target);
    throw lastOne();
  }
}
