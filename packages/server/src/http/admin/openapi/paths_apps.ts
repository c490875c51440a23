/** OpenAPI paths: /admin/v1/apps (the connected apps themselves). */
import { errors, json, jsonBody, list, noContent, pathParam, ref } from './common.ts';

export const clientIdParam = pathParam('clientId', 'the consumer key of the app');

export const appPaths = {
  '/admin/v1/apps': {
    post: {
      operationId: 'createApp',
      summary: 'Create a connected app; the answer holds its client secret, shown only this once',
      tags: ['apps'],
      requestBody: jsonBody(ref('AppCreate'), {
        name: 'Billing sync',
        scopes: ['api', 'refresh_token'],
        clientCredentials: { enabled: true, runAs: 'integration@example.com' },
      }),
      responses: {
        '201': json('The app with its client secret', ref('AppCreated')),
        ...errors(400),
      },
    },
    get: {
      operationId: 'listApps',
      summary: 'List connected apps',
      tags: ['apps'],
      responses: { '200': json('Every app', list(ref('App'))), ...errors() },
    },
  },
  '/admin/v1/apps/{clientId}': {
    parameters: [clientIdParam],
    get: {
      operationId: 'getApp',
      summary: 'Read a connected app (never its secrets, only their hints)',
      tags: ['apps'],
      responses: { '200': json('The app', ref('App')), ...errors(404) },
    },
    patch: {
      operationId: 'updateApp',
      summary: 'Change an app; policy objects merge field by field',
      tags: ['apps'],
      requestBody: jsonBody(ref('AppUpdate'), { accessToken: { format: 'jwt' } }),
      responses: { '200': json('The changed app', ref('App')), ...errors(400, 404) },
    },
    delete: {
      operationId: 'deleteApp',
      summary: 'Delete an app with its secrets, certificates, approvals, pre-authorizations and tokens',
      tags: ['apps'],
      responses: { '204': noContent, ...errors(404) },
    },
  },
};
