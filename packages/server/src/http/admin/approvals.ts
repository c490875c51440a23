/** /admin/v1/approvals — parse, call services/approvals.ts, serialise. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { createApproval, listApprovals, revokeApproval } from '../../services/approvals.ts';
import { stringParams } from '../../services/query.ts';

export function approvalRoutes(admin: FastifyInstance, ctx: ServerContext): void {
  admin.post('/approvals', async (req, reply) => reply.code(201).send(await createApproval(ctx, req.body)));
  admin.get('/approvals', async (req) =>
    listApprovals(ctx, stringParams(req.query, ['clientId', 'username'])),
  );
  admin.delete<{ Params: { id: string } }>('/approvals/:id', async (req, reply) => {
    await revokeApproval(ctx, req.params.id);
    return reply.code(204).send();
  });
}
