/** /admin/v1/apps/{clientId}/preauthorizations — parse, call services/preauthorizations.ts, serialise. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import {
  addPreauthorization,
  listPreauthorizations,
  removePreauthorization,
} from '../../services/preauthorizations.ts';

type ByClientId = { Params: { clientId: string } };

export function preauthorizationRoutes(admin: FastifyInstance, ctx: ServerContext): void {
  admin.post<ByClientId>('/apps/:clientId/preauthorizations', async (req, reply) =>
    reply.code(201).send(await addPreauthorization(ctx, req.params.clientId, req.body)),
  );
  admin.get<ByClientId>('/apps/:clientId/preauthorizations', async (req) =>
    listPreauthorizations(ctx, req.params.clientId),
  );
  admin.delete<{ Params: { clientId: string; id: string } }>(
    '/apps/:clientId/preauthorizations/:id',
    async (req, reply) => {
      await removePreauthorization(ctx, req.params.clientId, req.params.id);
      return reply.code(204).send();
    },
  );
}
