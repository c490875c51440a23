/**
 * GET /admin/v1/audit — the grant audit log (Salesforce: Login History) — and
 * GET /admin/v1/audit/summary — its counts per time bucket (the console's chart).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { listAudit } from '../../services/audit.ts';
import { auditSummary } from '../../services/audit_summary.ts';

export function auditRoutes(admin: FastifyInstance, ctx: ServerContext): void {
  admin.get('/audit', async (req) => listAudit(ctx, req.query));
  admin.get('/audit/summary', async (req) => auditSummary(ctx, req.query));
}
