/** OpenAPI paths and schemas: the server's signing keys (rotation, docs/operations.md). */
import {
  bool,
  dateTime,
  errors,
  full,
  int,
  json,
  list,
  nullableStr,
  object,
  ref,
  type Schema,
  str,
} from './common.ts';

export const keySchemas: Record<string, Schema> = {
  SigningKey: full(
    {
      kid: str('key id (JWS kid, RFC 7515 §4.1.4)'),
      alg: { type: 'string', enum: ['ES256', 'RS256'] },
      state: {
        type: 'string',
        enum: ['signing', 'pending', 'published', 'retired'],
        description:
          'signing: signs new tokens; pending: published, signs from activatesAt; published: verifies only; retired: gone from the JWKS',
      },
      createdAt: dateTime('stored and published'),
      activatesAt: dateTime('signs from this time'),
      retiresAt: { ...nullableStr('leaves the JWKS at this time; null: not scheduled'), format: 'date-time' },
      encrypted: bool('the private key is encrypted at rest (S2S_KEY_ENCRYPTION_KEY)'),
    },
    'A server signing key (no private material)',
  ),
  KeyRotation: object({
    alg: {
      type: 'string',
      enum: ['ES256', 'RS256'],
      description: 'default: the algorithm of the signing key',
    },
    overlapSeconds: int(
      0,
      2_592_000,
      'published this long before it signs (default S2S_KEY_OVERLAP_SECONDS); below the key reload interval, other processes may see tokens of a key they have not loaded yet',
    ),
  }),
  KeyRotated: full(
    { key: ref('SigningKey'), keys: list(ref('SigningKey')) },
    'The new key and every key after the rotation',
  ),
};

export const keyPaths = {
  '/admin/v1/keys': {
    get: {
      operationId: 'listSigningKeys',
      summary: 'The server signing keys, oldest first, with their state',
      tags: ['keys'],
      responses: { '200': json('The keys', list(ref('SigningKey'))), ...errors() },
    },
  },
  '/admin/v1/keys/rotate': {
    post: {
      operationId: 'rotateSigningKey',
      summary:
        'Add the next signing key: published now, signing after the overlap; schedules the old keys’ retirement',
      tags: ['keys'],
      requestBody: {
        required: false,
        content: { 'application/json': { schema: ref('KeyRotation'), example: { overlapSeconds: 3600 } } },
      },
      responses: { '201': json('The new key and all keys', ref('KeyRotated')), ...errors(400) },
    },
  },
};
