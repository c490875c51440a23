/** /admin/v1/apps — parse, call services/app_admin.ts, serialise. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import {
  createAppView,
  deleteApp,
  getAppView,
  listAppViews,
  updateAppView,
} from '../../services/app_admin.ts';

type ByClientId = { Params: { clientId: string } };

export function appRoutes(admin: FastifyInstance, ctx: ServerContext): void {
  admin.post('/apps', async (req, reply) => {
    const app = await createAppView(ctx, req.body);
    return reply.code(201).header('location', `${admin.prefix}/apps/${app.clientId}`).send(app);
  });
  admin.get('/apps', async () => listAppViews(ctx));
  admin.get<ByClientId>('/apps/:clientId', async (req) => getAppView(ctx, req.params.clientId));
  admin.patch<ByClientId>('/apps/:clientId', async (req) =>
    updateAppView(ctx, req.params.clientId, req.body),
  );
  admin.delete<ByClientId>('/apps/:clientId', async (req, reply) => {
    await deleteApp(ctx, req.params.clientId);
    return reply.code(204).send();
  });
}
