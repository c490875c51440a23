/** OpenAPI paths: an app's certificates, secrets and pre-authorizations. */
import { errors, json, jsonBody, list, noContent, pathParam, ref } from './common.ts';
import { clientIdParam } from './paths_apps.ts';

export const appChildPaths = {
  '/admin/v1/apps/{clientId}/certificates': {
    parameters: [clientIdParam],
    post: {
      operationId: 'addCertificate',
      summary: 'Register a certificate for JWT bearer assertions (RFC 7523)',
      tags: ['certificates'],
      requestBody: jsonBody(ref('CertificateAdd')),
      responses: {
        '201': json('The certificate', ref('Certificate')),
        ...errors(400, 404, 409),
      },
    },
  },
  '/admin/v1/apps/{clientId}/certificates/{thumbprint}': {
    parameters: [clientIdParam, pathParam('thumbprint', 'SHA-256 thumbprint, hex (colons allowed)')],
    delete: {
      operationId: 'removeCertificate',
      summary: 'Remove a certificate',
      tags: ['certificates'],
      responses: { '204': noContent, ...errors(400, 404) },
    },
  },
  '/admin/v1/apps/{clientId}/secrets': {
    parameters: [clientIdParam],
    get: {
      operationId: 'listSecrets',
      summary: 'List the ids and hints of the app secrets',
      tags: ['secrets'],
      responses: { '200': json('The secrets (never their values)', list(ref('Secret'))), ...errors(404) },
    },
    post: {
      operationId: 'addSecret',
      summary: 'Add a client secret (rotation); its value is shown only this once',
      tags: ['secrets'],
      responses: {
        '201': json('The new secret with its value', ref('SecretCreated')),
        ...errors(400, 404, 409),
      },
    },
  },
  '/admin/v1/apps/{clientId}/secrets/{secretId}': {
    parameters: [clientIdParam, pathParam('secretId', 'the id of the secret')],
    delete: {
      operationId: 'removeSecret',
      summary: 'Delete a client secret; the last one cannot be deleted (409)',
      tags: ['secrets'],
      responses: { '204': noContent, ...errors(404, 409) },
    },
  },
  '/admin/v1/apps/{clientId}/preauthorizations': {
    parameters: [clientIdParam],
    post: {
      operationId: 'addPreauthorization',
      summary: 'Pre-authorize a user or a profile (for Permitted Users = admin_approved)',
      tags: ['preauthorizations'],
      requestBody: jsonBody(ref('PreauthorizationCreate'), { profile: 'Integration' }),
      responses: {
        '201': json('The pre-authorization', ref('Preauthorization')),
        ...errors(400, 404, 409),
      },
    },
    get: {
      operationId: 'listPreauthorizations',
      summary: 'List the pre-authorizations of an app',
      tags: ['preauthorizations'],
      responses: { '200': json('The pre-authorizations', list(ref('Preauthorization'))), ...errors(404) },
    },
  },
  '/admin/v1/apps/{clientId}/preauthorizations/{id}': {
    parameters: [clientIdParam, pathParam('id', 'the id of the pre-authorization')],
    delete: {
      operationId: 'removePreauthorization',
      summary: 'Remove a pre-authorization',
      tags: ['preauthorizations'],
      responses: { '204': noContent, ...errors(404) },
    },
  },
};
