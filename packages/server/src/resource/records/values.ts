/**
 * The body of a create (POST) or update (PATCH): which fields it sets and to
 * what, checked against the object's definition with Salesforce's error codes.
 * Text fields store an empty string as null, as Salesforce does; ids are kept
 * in their 18-character form.
 */
import type { RecordValue } from '../../store/interfaces.ts';
import { isCalendarDate } from '../soql/dates.ts';
import {
  fieldError,
  jsonParserError,
  readOnlyFields,
  requiredFieldsMissing,
  stringTooLong,
  unknownField,
} from './errors.ts';
import { id18 } from './format.ts';
import { type FieldDef, fieldNamed, type ObjectDef, objectNamed } from './objects.ts';

const TEXT = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist']);
// Deliberately loose: one @, something on each side, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function jsonToken(v: unknown): string {
  if (typeof v === 'string') return `VALUE_STRING value ${v}`;
  if (typeof v === 'number')
    return Number.isInteger(v) ? `VALUE_NUMBER_INT value ${v}` : `VALUE_NUMBER_FLOAT value ${v}`;
  if (typeof v === 'boolean') return v ? 'VALUE_TRUE value true' : 'VALUE_FALSE value false';
  return Array.isArray(v) ? 'START_ARRAY' : 'START_OBJECT';
}

function wrongType(f: FieldDef, v: unknown, expected: string): never {
  throw jsonParserError(
    `Cannot deserialize instance of ${expected} from ${jsonToken(v)} or request may be missing a required field`,
    [f.name],
  );
}

function text(f: FieldDef, v: unknown): RecordValue {
  if (typeof v !== 'string') wrongType(f, v, 'string');
  if (v === '') return null;
  if (f.length !== undefined && v.length > f.length) throw stringTooLong(f.name, f.label, f.length);
  if (f.type === 'email' && !EMAIL.test(v)) {
    throw fieldError('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${v}`, f.name);
  }
  return v;
}

function reference(f: FieldDef, v: unknown): RecordValue {
  if (typeof v !== 'string') wrongType(f, v, 'reference');
  if (v === '') return null;
  const id = id18(v);
  if (!id) throw fieldError('MALFORMED_ID', `${f.label}: id value of incorrect type: ${v}`, f.name);
  const target = f.referenceTo ? objectNamed(f.referenceTo) : undefined;
  if (target && !id.startsWith(target.keyPrefix)) {
    throw fieldError('FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${v}`, f.name);
  }
  return id;
}

/** The value to store for `v` in field `f`, or the 400 to send. */
export function fieldValue(f: FieldDef, v: unknown): RecordValue {
  if (v === null) return null;
  if (TEXT.has(f.type)) return text(f, v);
  switch (f.type) {
    case 'reference':
      return reference(f, v);
    case 'boolean':
      return typeof v === 'boolean' ? v : wrongType(f, v, 'boolean');
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v) ? v : wrongType(f, v, 'int');
    case 'double':
    case 'currency':
    case 'percent':
      return typeof v === 'number' && Number.isFinite(v) ? v : wrongType(f, v, 'double');
    case 'date':
      if (typeof v !== 'string' || !isCalendarDate(v)) {
        return wrongType(f, v, 'date');
      }
      return v;
    default:
      return wrongType(f, v, f.type);
  }
}

/**
 * The field changes a body asks for. `attributes` is ignored (clients echo it back);
 * unknown fields, read-only fields, values of the wrong type and, on create, missing
 * required fields are refused. On update a required field cannot be cleared.
 */
export function changesFrom(
  def: ObjectDef,
  body: unknown,
  mode: 'create' | 'update',
): Record<string, RecordValue> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw jsonParserError(`Cannot deserialize instance of ${def.name} from ${jsonToken(body)}`);
  }
  const changes: Record<string, RecordValue> = {};
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'attributes') continue;
    const f = fieldNamed(def, key);
    if (!f) throw unknownField(key, def.name);
    if (!f.writable) {
      readOnly.push(f.name);
      continue;
    }
    changes[f.name] = fieldValue(f, raw);
  }
  if (readOnly.length > 0) throw readOnlyFields(readOnly);
  const required = def.fields.filter((f) => f.required && f.writable);
  const missing = required
    .filter((f) =>
      mode === 'create' ? changes[f.name] == null : f.name in changes && changes[f.name] === null,
    )
    .map((f) => f.name);
  if (missing.length > 0) throw requiredFieldsMissing(missing);
  return changes;
}
