/**
 * The admin view of a connected app: its settings, its certificates and the
 * hints of its secrets. Never a secret or a secret hash.
 */
import type { ServerContext } from '../context.ts';
import type { App, AppCertificate, AppSecret } from '../domain/types.ts';
import { DEFAULT_POLICIES } from './apps.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export function certificateView(c: AppCertificate, now: number) {
  return {
    thumbprint: c.thumbprint,
    subject: c.subject,
    notBefore: iso(c.notBefore),
    notAfter: iso(c.notAfter),
    expired: c.notAfter < now,
    createdAt: iso(c.createdAt),
  };
}

export function secretView(s: AppSecret) {
  return { id: s.id, hint: s.hint, createdAt: iso(s.createdAt) };
}

export function appView(app: App, certificates: AppCertificate[], secrets: AppSecret[], now: number) {
  const p = app.policies;
  return {
    id: app.id,
    clientId: app.clientId,
    name: app.name,
    scopes: app.scopes,
    callbackUrls: app.callbackUrls,
    permittedUsers: p.permittedUsers,
    // Policy fields added later are optional in stored apps: their defaults fill the gaps.
    clientCredentials: { ...DEFAULT_POLICIES.clientCredentials, ...p.clientCredentials },
    accessToken: { ...DEFAULT_POLICIES.accessToken, ...p.accessToken },
    refreshToken: { ...DEFAULT_POLICIES.refreshToken, ...p.refreshToken },
    assertion: { ...DEFAULT_POLICIES.assertion, ...p.assertion },
    certificates: certificates.map((c) => certificateView(c, now)),
    secrets: secrets.map(secretView),
    createdAt: iso(app.createdAt),
    updatedAt: iso(app.updatedAt),
  };
}

export type AppView = ReturnType<typeof appView>;

/** Loads an app's certificates and secrets and builds its view. */
export async function loadAppView(ctx: ServerContext, app: App): Promise<AppView> {
  const [certificates, secrets] = await Promise.all([
    ctx.store.apps.certificates(app.id),
    ctx.store.apps.secrets(app.id),
  ]);
  return appView(app, certificates, secrets, ctx.now());
}
