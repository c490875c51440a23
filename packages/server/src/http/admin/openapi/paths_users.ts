/** OpenAPI paths: /admin/v1/users. */
import { errors, json, jsonBody, list, noContent, pathParam, ref } from './common.ts';

const idOrUsername = pathParam('idOrUsername', 'the 18-character user id or the username');

export const userPaths = {
  '/admin/v1/users': {
    post: {
      operationId: 'createUser',
      summary: 'Create a user',
      tags: ['users'],
      requestBody: jsonBody(ref('UserCreate'), { username: 'ops@example.com', profile: 'Integration' }),
      responses: {
        '201': json('The user', ref('User')),
        ...errors(400, 409),
      },
    },
    get: {
      operationId: 'listUsers',
      summary: 'List users',
      tags: ['users'],
      responses: { '200': json('Every user', list(ref('User'))), ...errors() },
    },
  },
  '/admin/v1/users/{idOrUsername}': {
    parameters: [idOrUsername],
    get: {
      operationId: 'getUser',
      summary: 'Read a user',
      tags: ['users'],
      responses: { '200': json('The user', ref('User')), ...errors(404) },
    },
    patch: {
      operationId: 'updateUser',
      summary: 'Change a user (fields present are replaced); e.g. {"active": false} deactivates',
      tags: ['users'],
      requestBody: jsonBody(ref('UserUpdate'), { active: false }),
      responses: {
        '200': json('The changed user', ref('User')),
        ...errors(400, 404, 409),
      },
    },
    delete: {
      operationId: 'deleteUser',
      summary: 'Delete a user with their approvals, tokens and user pre-authorizations',
      description: 'Refused (409) while an app runs its client-credentials flow as this user.',
      tags: ['users'],
      responses: { '204': noContent, ...errors(404, 409) },
    },
  },
};
