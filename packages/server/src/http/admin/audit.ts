/** GET /admin/v1/audit — the grant audit log (Salesforce: Login History). */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { listAudit } from '../../services/audit.ts';

export function auditRoutes(admin: FastifyInstance, ctx: ServerContext): void {
  admin.get('/audit', async (req) => listAudit(ctx, req.query));
}
