/**
 * The admin API under /admin/v1: JSON in and out, the admin bearer token on
 * every route but the OpenAPI document, `Cache-Control: no-store` on every
 * answer. Routes only parse, call a service (services/*) and serialise.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { approvalRoutes } from './approvals.ts';
import { appRoutes } from './apps.ts';
import { auditRoutes } from './audit.ts';
import { adminAuthHook } from './auth.ts';
import { credentialRoutes } from './credentials.ts';
import { keyRoutes } from './keys.ts';
import { openApiRoute } from './openapi.ts';
import { preauthorizationRoutes } from './preauthorizations.ts';
import { userRoutes } from './users.ts';

export const ADMIN_PREFIX = '/admin/v1';

export interface RegisteredRoute {
  method: string;
  /** Fastify's form, with `:param` placeholders. */
  url: string;
}

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route registered under /admin/v1 (filled once the app is ready); HEAD twins are left out. */
export function registeredAdminRoutes(app: FastifyInstance): RegisteredRoute[] {
  return [...(registered.get(app) ?? [])];
}

export function adminRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.register(
    async (admin) => {
      admin.addHook('onRoute', (r) => {
        for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
      });
      // onRequest runs before the body is parsed: no token, no parsing.
      admin.addHook('onRequest', adminAuthHook(ctx));
      admin.addHook('onSend', async (_req, reply, payload) => {
        // Admin answers carry secrets and personal data: never cached (RFC 9111 §5.2.2.5).
        reply.header('cache-control', 'no-store');
        return payload;
      });
      userRoutes(admin, ctx);
      appRoutes(admin, ctx);
      credentialRoutes(admin, ctx);
      preauthorizationRoutes(admin, ctx);
      approvalRoutes(admin, ctx);
      auditRoutes(admin, ctx);
      keyRoutes(admin, ctx);
      openApiRoute(admin, ctx);
    },
    { prefix: ADMIN_PREFIX },
  );
}
