/**
 * The errors of the records API, in Salesforce's array shape. DML refusals
 * (create, update) carry `fields`, as Salesforce's do; query refusals do not.
 * Messages follow Salesforce's wording so that code matching on them works.
 */
import { ResourceError, type SalesforceError } from '../errors.ts';
import { positionedMessage } from '../soql/errors.ts';

function error(status: number, errorCode: string, message: string, fields?: string[]): ResourceError {
  const entry = fields === undefined ? { message, errorCode } : { message, errorCode, fields };
  // SalesforceError predates `fields` (a list); the body is serialised as it is.
  return new ResourceError(status, [entry as unknown as SalesforceError], undefined, errorCode);
}

const CUSTOM_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
  'Please reference your WSDL or the describe call for the appropriate names.';

/** 400 MALFORMED_QUERY, with the position of the problem in the query. */
export function malformedQuery(query: string, pos: number, reason: string): ResourceError {
  return error(400, 'MALFORMED_QUERY', positionedMessage(query, pos, reason));
}

/** 400 MALFORMED_QUERY for a request that carries no query at all. */
export function missingQuery(): ResourceError {
  return error(400, 'MALFORMED_QUERY', 'A query string has to be specified');
}

/** 400 INVALID_TYPE: the query names an object we do not have. */
export function invalidType(query: string, pos: number, object: string): ResourceError {
  const reason =
    `sObject type '${object}' is not supported. If you are attempting to use a custom object, ` +
    "be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call " +
    'for the appropriate names.';
  return error(400, 'INVALID_TYPE', positionedMessage(query, pos, reason));
}

/** 400 INVALID_FIELD in a query: no such field, or a literal of the wrong type. */
export function invalidQueryField(query: string, pos: number, reason: string): ResourceError {
  return error(400, 'INVALID_FIELD', positionedMessage(query, pos, reason));
}

export function noSuchColumn(field: string, object: string): string {
  return `No such column '${field}' on entity '${object}'. ${CUSTOM_HINT}`;
}

/** 400 INVALID_QUERY_FILTER_OPERATOR: an id compared with something that is not an id. */
export function invalidIdFilter(query: string, pos: number, value: string): ResourceError {
  return error(
    400,
    'INVALID_QUERY_FILTER_OPERATOR',
    positionedMessage(query, pos, `invalid ID field: ${value}`),
  );
}

/** 400 INVALID_FIELD on create or update: a field the object does not have. */
export function unknownField(field: string, object: string): ResourceError {
  return error(400, 'INVALID_FIELD', `No such column '${field}' on sobject of type ${object}`, [field]);
}

/** 400 INVALID_FIELD_FOR_INSERT_UPDATE: a read-only field was sent. */
export function readOnlyFields(fields: string[]): ResourceError {
  return error(
    400,
    'INVALID_FIELD_FOR_INSERT_UPDATE',
    `Unable to create/update fields: ${fields.join(', ')}. Please check the security settings of this field ` +
      'and verify that it is read/write for your profile or permission set.',
    fields,
  );
}

export function requiredFieldsMissing(fields: string[]): ResourceError {
  return error(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields);
}

/** 400 JSON_PARSER_ERROR: the body is not a JSON object, or a value has the wrong JSON type. */
export function jsonParserError(message: string, fields?: string[]): ResourceError {
  return error(400, 'JSON_PARSER_ERROR', message, fields);
}

export function stringTooLong(field: string, label: string, max: number): ResourceError {
  return error(400, 'STRING_TOO_LONG', `${label}: data value too large (max length=${max})`, [field]);
}

/** 400 with a DML error code that needs nothing else (INVALID_EMAIL_ADDRESS …). */
export function fieldError(errorCode: string, message: string, field: string): ResourceError {
  return error(400, errorCode, message, [field]);
}

/** 405: the object is read-only (Organization, User) or the method is not served. */
export function methodNotAllowed(method: string, allowed: string): ResourceError {
  return error(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed}`);
}

/** 403 REQUEST_LIMIT_EXCEEDED: the app used up its daily API calls. */
export function requestLimitExceeded(): ResourceError {
  return error(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
}
