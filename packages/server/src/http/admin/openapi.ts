/** GET /admin/v1/openapi.json — the admin API's OpenAPI 3.1 document; public (it holds no data). */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { adminOpenApiDocument } from './openapi/document.ts';

export function openApiRoute(admin: FastifyInstance, ctx: ServerContext): void {
  admin.get('/openapi.json', { config: { adminPublic: true } }, async () =>
    adminOpenApiDocument(ctx.settings.issuer),
  );
}
