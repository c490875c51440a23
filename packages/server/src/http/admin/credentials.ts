/**
 * /admin/v1/apps/{clientId}/certificates and …/secrets: the credentials an app
 * authenticates with. Parse, call services/app_certificates.ts and
 * services/app_secrets.ts, serialise.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { addCertificate, removeCertificate } from '../../services/app_certificates.ts';
import { addSecret, listSecrets, removeSecret } from '../../services/app_secrets.ts';

type ByClientId = { Params: { clientId: string } };

export function credentialRoutes(admin: FastifyInstance, ctx: ServerContext): void {
  admin.post<ByClientId>('/apps/:clientId/certificates', async (req, reply) =>
    reply.code(201).send(await addCertificate(ctx, req.params.clientId, req.body)),
  );
  admin.delete<{ Params: { clientId: string; thumbprint: string } }>(
    '/apps/:clientId/certificates/:thumbprint',
    async (req, reply) => {
      await removeCertificate(ctx, req.params.clientId, req.params.thumbprint);
      return reply.code(204).send();
    },
  );

  admin.get<ByClientId>('/apps/:clientId/secrets', async (req) => listSecrets(ctx, req.params.clientId));
  admin.post<ByClientId>('/apps/:clientId/secrets', async (req, reply) =>
    reply.code(201).send(await addSecret(ctx, req.params.clientId, req.body)),
  );
  admin.delete<{ Params: { clientId: string; secretId: string } }>(
    '/apps/:clientId/secrets/:secretId',
    async (req, reply) => {
      await removeSecret(ctx, req.params.clientId, req.params.secretId);
      return reply.code(204).send();
    },
  );
}
