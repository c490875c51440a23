/** OpenAPI path: GET /admin/v1/audit/summary (the schema is inline: it is used only here). */
import { dateTime, errors, full, int, json, list, queryParam, type Schema } from './common.ts';

const counts = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'integer', minimum: 1 },
});

const summary = full({
  window: { type: 'string', enum: ['hour', 'day', 'week'] },
  bucketSeconds: int(300, 21600, 'width of a bucket: 300 (hour), 3600 (day), 21600 (week)'),
  since: dateTime('start of the first bucket (inclusive)'),
  until: dateTime('end of the last bucket (exclusive); the last bucket holds the current time'),
  buckets: list(
    full({
      start: dateTime('start of the bucket'),
      grants: counts('successful grants per grant_type'),
      failures: counts('failed grant attempts per error code'),
    }),
    '12 (hour), 24 (day) or 28 (week) buckets, oldest first',
  ),
  totals: full({
    grants: counts('successful grants per grant_type over the window'),
    failures: counts('failed grant attempts per error code over the window'),
  }),
});

export const auditSummaryPaths = {
  '/admin/v1/audit/summary': {
    get: {
      operationId: 'auditSummary',
      summary: 'Grant attempts counted per time bucket: successes per grant type, failures per error code',
      tags: ['audit'],
      parameters: [
        queryParam('window', 'last hour (5-minute buckets), day (1 hour) or week (6 hours); default day', {
          type: 'string',
          enum: ['hour', 'day', 'week'],
        }),
        queryParam('clientId', 'only this client id'),
        queryParam('username', 'only this username'),
        queryParam('grantType', 'only this grant_type'),
        queryParam('result', 'only successes or failures', { type: 'string', enum: ['success', 'failure'] }),
      ],
      responses: { '200': json('The counts', summary), ...errors(400) },
    },
  },
};
