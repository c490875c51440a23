/**
 * The hand-written OpenAPI 3.1 document of the admin API. A test checks that
 * it names exactly the routes Fastify registered under /admin/v1, and that
 * real answers match the response schemas.
 */
import { ref } from './common.ts';
import { appChildPaths } from './paths_app_children.ts';
import { appPaths } from './paths_apps.ts';
import { auditSummaryPaths } from './paths_audit_summary.ts';
import { keyPaths, keySchemas } from './paths_keys.ts';
import { otherPaths } from './paths_other.ts';
import { userPaths } from './paths_users.ts';
import { schemas } from './schemas.ts';

const error = (description: string, example: Record<string, string>, headers?: object) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref('Error'), example } },
});

export function adminOpenApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 's2s-oauth admin API',
      version: '1',
      description:
        'Users, connected apps, their certificates, secrets and pre-authorizations, approvals and the ' +
        'audit log. JSON in and out; every answer carries Cache-Control: no-store.',
    },
    servers: [{ url: serverUrl }],
    security: [{ adminToken: [] }],
    paths: { ...userPaths, ...appPaths, ...appChildPaths, ...otherPaths, ...auditSummaryPaths, ...keyPaths },
    components: {
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The admin token (S2S_ADMIN_TOKEN, or printed once at first start). RFC 6750.',
        },
      },
      schemas: { ...schemas, ...keySchemas },
      responses: {
        BadRequest: error('Bad input; `field` names it', {
          error: 'invalid_request',
          error_description: 'scopes: must be an array of strings',
          field: 'scopes',
        }),
        Unauthorized: error(
          'Missing or wrong admin token',
          { error: 'invalid_token', error_description: 'the admin token is invalid' },
          {
            'WWW-Authenticate': {
              description: 'Bearer realm="s2s-admin" (with error="invalid_token" when a token was sent)',
              schema: { type: 'string' },
            },
          },
        ),
        NotFound: error('No such record', {
          error: 'not_found',
          error_description: 'no app with that client id',
        }),
        Conflict: error('The change would clash with existing state', {
          error: 'conflict',
          error_description: 'username is already taken',
          field: 'username',
        }),
      },
    },
  };
}
