/**
 * Certificates of an app: the public keys that verify its JWT bearer
 * assertions (RFC 7523 §3). Identified by the SHA-256 thumbprint of the DER.
 */
import type { ServerContext } from '../context.ts';
import { OAuthError } from '../oauth/errors.ts';
import { certificateView } from './app_view.ts';
import { certificateRecord, findAppOr404 } from './apps.ts';
import { asObject, bad, onlyKeys } from './validate.ts';

/** As many as createApp accepts. */
export const MAX_CERTIFICATES = 20;

export async function addCertificate(ctx: ServerContext, clientId: string, body: unknown) {
  const app = await findAppOr404(ctx, clientId);
  const o = asObject(body, 'body');
  onlyKeys(o, ['pem'], '');
  const now = ctx.now();
  const cert = certificateRecord(app.id, o.pem, 'pem', now);
  const existing = await ctx.store.apps.certificates(app.id);
  const duplicate = () =>
    new OAuthError('conflict', 'this certificate is already registered for the app', { field: 'pem' });
  if (existing.some((c) => c.thumbprint === cert.thumbprint)) throw duplicate();
  if (existing.length >= MAX_CERTIFICATES) {
    throw new OAuthError('conflict', `an app may hold at most ${MAX_CERTIFICATES} certificates`);
  }
  // The store's unique key settles a race between two identical requests.
  if (!(await ctx.store.apps.addCertificate(cert))) throw duplicate();
  return certificateView(cert, now);
}

export function parseThumbprint(v: string): string {
  // SHA-256 of the DER, hex; colons (as openssl prints it) and upper case are accepted.
  const t = v.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(t)) throw bad('thumbprint', 'must be a SHA-256 thumbprint (64 hex digits)');
  return t;
}

export async function removeCertificate(ctx: ServerContext, clientId: string, thumbprint: string) {
  const app = await findAppOr404(ctx, clientId);
  if (!(await ctx.store.apps.deleteCertificate(app.id, parseThumbprint(thumbprint)))) {
    throw new OAuthError('not_found', 'the app has no certificate with that thumbprint');
  }
}
