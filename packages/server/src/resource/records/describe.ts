/**
 * Describe documents of the records API, in Salesforce's shapes but with only
 * the keys clients read: describeGlobal (`GET sobjects`), the basic object
 * info (`GET sobjects/{Object}`), and the field list (`…/describe`).
 */
import type { FieldDef, FieldType, ObjectDef } from './objects.ts';
import { OBJECTS } from './objects.ts';

/** The SOAP type Salesforce reports next to each field type. */
const SOAP_TYPE: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

/** The object's summary: what describeGlobal lists and `GET sobjects/{Object}` wraps. */
export function objectSummary(def: ObjectDef, version: string): Record<string, unknown> {
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  const writable = !def.virtual;
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: false,
    createable: writable,
    updateable: writable,
    deletable: writable,
    queryable: true,
    retrieveable: true,
    searchable: false,
    layoutable: false,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

export function describeGlobal(version: string): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: OBJECTS.map((o) => objectSummary(o, version)),
  };
}

function fieldDescribe(def: ObjectDef, f: FieldDef): Record<string, unknown> {
  const writable = f.writable && !def.virtual;
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    soapType: SOAP_TYPE[f.type],
    length: f.length ?? 0,
    // A required field cannot be null; neither can an id or a checkbox.
    nillable: !(f.required || f.type === 'id' || f.type === 'boolean'),
    createable: writable,
    updateable: writable,
    filterable: true,
    sortable: true,
    custom: false,
    nameField: f.name === 'Name',
    referenceTo: f.referenceTo ? [f.referenceTo] : [],
    relationshipName: null,
  };
}

/** `GET sobjects/{Object}/describe`: the summary plus the fields. */
export function describeObject(def: ObjectDef, version: string): Record<string, unknown> {
  return { ...objectSummary(def, version), fields: def.fields.map((f) => fieldDescribe(def, f)) };
}
