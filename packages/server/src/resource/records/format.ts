/**
 * Records on the wire: Salesforce's `attributes` block, field values in REST
 * form (date-times as `2024-05-01T10:20:30.000+0000`), and record ids in their
 * 15- and 18-character forms.
 */
import { checksum15 } from '../../domain/ids.ts';
import type { RecordValue } from '../../store/interfaces.ts';
import type { FieldDef, ObjectDef } from './objects.ts';
import type { Row } from './rows.ts';

/** Salesforce's REST date-time: milliseconds and a `+0000` offset. */
export function sfDatetime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+0000');
}

export function apiValue(field: FieldDef, v: RecordValue | undefined): RecordValue {
  if (v === undefined || v === null) return null;
  if (field.type === 'datetime' && typeof v === 'number') return sfDatetime(v);
  return v;
}

export function recordUrl(def: ObjectDef, version: string, id: string): string {
  return `/services/data/v${version}/sobjects/${def.name}/${id}`;
}

/** A record as the REST API returns it: `attributes`, then the fields in the order given. */
export function recordJson(
  def: ObjectDef,
  row: Row,
  version: string,
  fields: readonly FieldDef[] = def.fields,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: def.name, url: recordUrl(def, version, String(row.Id)) },
  };
  for (const f of fields) out[f.name] = apiValue(f, row[f.name]);
  return out;
}

/**
 * The 18-character form of a 15- or 18-character id, or undefined when the text is not
 * one (an 18-character id must carry the right case-safe suffix).
 */
export function id18(text: string): string | undefined {
  if (/^[A-Za-z0-9]{15}$/.test(text)) return text + checksum15(text);
  if (/^[A-Za-z0-9]{18}$/.test(text) && checksum15(text.slice(0, 15)) === text.slice(15)) return text;
  return undefined;
}

/** The 18-character id of a record of `def`, or undefined when the text is not one. */
export function idOf(def: ObjectDef, text: string): string | undefined {
  const id = id18(text);
  return id?.startsWith(def.keyPrefix) ? id : undefined;
}
