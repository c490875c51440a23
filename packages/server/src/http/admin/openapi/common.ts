/** Small builders for the hand-written OpenAPI 3.1 document (schemas are JSON Schema 2020-12). */

export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

export const str = (description?: string, extra: Schema = {}): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
export const nullableStr = (description?: string, extra: Schema = {}): Schema => ({
  type: ['string', 'null'],
  ...(description ? { description } : {}),
  ...extra,
});
export const dateTime = (description?: string): Schema => str(description, { format: 'date-time' });
export const int = (minimum: number, maximum: number, description?: string): Schema => ({
  type: 'integer',
  minimum,
  maximum,
  ...(description ? { description } : {}),
});
export const bool = (description?: string): Schema => ({
  type: 'boolean',
  ...(description ? { description } : {}),
});
export const list = (items: Schema, description?: string): Schema => ({
  type: 'array',
  items,
  ...(description ? { description } : {}),
});

/** A closed object; `required` lists the keys that must be present. */
export function object(
  properties: Record<string, Schema>,
  required: string[] = [],
  description?: string,
): Schema {
  return {
    type: 'object',
    properties,
    required,
    additionalProperties: false,
    ...(description ? { description } : {}),
  };
}

/** The same object with every property required (response views always carry every key). */
export function full(properties: Record<string, Schema>, description?: string): Schema {
  return object(properties, Object.keys(properties), description);
}

export const jsonBody = (schema: Schema, example?: unknown) => ({
  required: true,
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
});

export const json = (description: string, schema: Schema) => ({
  description,
  content: { 'application/json': { schema } },
});

export const noContent = { description: 'Done; no body.' };

export type ErrorStatus = 400 | 401 | 404 | 409;
const ERROR_RESPONSE: Record<ErrorStatus, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  404: 'NotFound',
  409: 'Conflict',
};

/** Every admin route may answer 401; list the others it may answer. */
export function errors(...statuses: ErrorStatus[]): Record<string, { $ref: string }> {
  const out: Record<string, { $ref: string }> = {};
  for (const s of [...statuses, 401 as const].sort()) {
    out[String(s)] = { $ref: `#/components/responses/${ERROR_RESPONSE[s]}` };
  }
  return out;
}

export const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

export const queryParam = (name: string, description: string, schema: Schema = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
