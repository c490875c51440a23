/** Connected apps as the admin API sees them: create, read, list, change, delete. */
import type { ServerContext } from '../context.ts';
import { type AppView, loadAppView } from './app_view.ts';
import { createApp, findAppOr404, updateApp } from './apps.ts';

export async function createAppView(
  ctx: ServerContext,
  body: unknown,
): Promise<AppView & { clientSecret: string }> {
  const created = await createApp(ctx, body);
  // The secret is returned here and nowhere else; only its hash is stored.
  return { ...(await loadAppView(ctx, created.app)), clientSecret: created.clientSecret };
}

export async function getAppView(ctx: ServerContext, clientId: string): Promise<AppView> {
  return loadAppView(ctx, await findAppOr404(ctx, clientId));
}

export async function listAppViews(ctx: ServerContext): Promise<AppView[]> {
  const apps = await ctx.store.apps.list();
  return Promise.all(apps.map((a) => loadAppView(ctx, a)));
}

export async function updateAppView(ctx: ServerContext, clientId: string, body: unknown): Promise<AppView> {
  return loadAppView(ctx, await updateApp(ctx, clientId, body));
}

/** Deletes the app with its secrets, certificates, approvals, pre-authorizations and tokens. */
export async function deleteApp(ctx: ServerContext, clientId: string): Promise<void> {
  const app = await findAppOr404(ctx, clientId);
  await ctx.store.apps.delete(app.id);
}
