/** OpenAPI paths: approvals, the audit log and this document. */
import { errors, int, json, jsonBody, list, noContent, pathParam, queryParam, ref } from './common.ts';

export const otherPaths = {
  '/admin/v1/approvals': {
    post: {
      operationId: 'createApproval',
      summary: "Approve an app for a user on the user's behalf (source admin); widens an existing approval",
      tags: ['approvals'],
      requestBody: jsonBody(ref('ApprovalCreate'), {
        clientId: '3MVG9…',
        username: 'ops@example.com',
        scopes: ['api'],
      }),
      responses: { '201': json('The approval', ref('Approval')), ...errors(400) },
    },
    get: {
      operationId: 'listApprovals',
      summary: 'List approvals; an unknown client id or username matches nothing',
      tags: ['approvals'],
      parameters: [queryParam('clientId', 'only this app'), queryParam('username', 'only this user')],
      responses: { '200': json('The approvals', list(ref('Approval'))), ...errors(400) },
    },
  },
  '/admin/v1/approvals/{id}': {
    parameters: [pathParam('id', 'the id of the approval')],
    delete: {
      operationId: 'revokeApproval',
      summary: "Delete an approval and revoke the app's live access tokens for that user",
      tags: ['approvals'],
      responses: { '204': noContent, ...errors(404) },
    },
  },
  '/admin/v1/audit': {
    get: {
      operationId: 'listAudit',
      summary: 'Grant attempts, newest first (Salesforce: Login History)',
      tags: ['audit'],
      parameters: [
        queryParam('clientId', 'only this client id'),
        queryParam('username', 'only this username'),
        queryParam('grantType', 'only this grant_type'),
        queryParam('result', 'only successes or failures', { type: 'string', enum: ['success', 'failure'] }),
        queryParam('since', 'ISO 8601 date-time or epoch milliseconds'),
        queryParam('limit', 'at most this many (default 100)', int(1, 1000)),
      ],
      responses: { '200': json('The events', list(ref('AuditEvent'))), ...errors(400) },
    },
  },
  '/admin/v1/openapi.json': {
    get: {
      operationId: 'openapi',
      summary: 'This document (no token needed)',
      tags: ['meta'],
      security: [],
      responses: { '200': json('OpenAPI 3.1', { type: 'object' }) },
    },
  },
};
