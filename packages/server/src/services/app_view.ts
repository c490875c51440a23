/**
 * The admin view of a connected app: its settings, its certificates and the
 * hints of its secrets. Never a secret or a secret hash.
 */
import type { ServerContext } from '../context.ts';
import type { App, AppCertificate, AppPolicies, AppSecret } from '../domain/types.ts';
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

/**
 * Every policy of the app, each merged over its default: policy fields added
 * later are optional in stored apps. Policies are listed generically, so a new
 * one shows up here (and the OpenAPI drift test asks for its documentation).
 */
function policyView(p: AppPolicies): Required<AppPolicies> {
  const merged: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(DEFAULT_POLICIES)) {
    const v = (p as unknown as Record<string, unknown>)[k];
    merged[k] = isPlainObject(d) ? { ...d, ...(isPlainObject(v) ? v : {}) } : (v ?? d);
  }
  return merged as unknown as Required<AppPolicies>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function appView(app: App, certificates: AppCertificate[], secrets: AppSecret[], now: number) {
  return {
    id: app.id,
    clientId: app.clientId,
    name: app.name,
    scopes: app.scopes,
    callbackUrls: app.callbackUrls,
    ...policyView(app.policies),
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
