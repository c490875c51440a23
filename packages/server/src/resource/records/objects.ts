/**
 * The objects of the records API, defined in code: a few of Salesforce's
 * standard objects with a handful of typed fields each, and two virtual,
 * read-only objects that answer from our own data (`Organization`, `User`,
 * see virtual.ts). Names are Salesforce's API names; lookups by name are
 * case-insensitive, as in SOQL and the REST paths.
 */

export type FieldType =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** Maximum length of text fields. */
  length?: number;
  /** Required on create (Salesforce's `nillable: false` for a createable field). */
  required?: boolean;
  /** Set by the client on create and update; system and computed fields are not. */
  writable: boolean;
  /** The object a reference field points to. */
  referenceTo?: string;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  /** The 3-character prefix of its record ids. */
  keyPrefix: string;
  fields: FieldDef[];
  /** Virtual objects are read-only views of our own data. */
  virtual: boolean;
}

const w = (name: string, label: string, type: FieldType, more: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label,
  type,
  writable: true,
  ...more,
});
const ro = (name: string, label: string, type: FieldType, more: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label,
  type,
  writable: false,
  ...more,
});

/** Salesforce's system fields of every stored object. */
const SYSTEM: FieldDef[] = [
  ro('OwnerId', 'Owner ID', 'reference', { referenceTo: 'User' }),
  ro('CreatedDate', 'Created Date', 'datetime'),
  ro('CreatedById', 'Created By ID', 'reference', { referenceTo: 'User' }),
  ro('LastModifiedDate', 'Last Modified Date', 'datetime'),
  ro('LastModifiedById', 'Last Modified By ID', 'reference', { referenceTo: 'User' }),
];

const ID = ro('Id', 'Record ID', 'id');

function stored(name: string, label: string, labelPlural: string, keyPrefix: string, fields: FieldDef[]) {
  return { name, label, labelPlural, keyPrefix, fields: [ID, ...fields, ...SYSTEM], virtual: false };
}

export const ACCOUNT: ObjectDef = stored('Account', 'Account', 'Accounts', '001', [
  w('Name', 'Account Name', 'string', { length: 255, required: true }),
  w('Type', 'Account Type', 'picklist', { length: 255 }),
  w('Industry', 'Industry', 'picklist', { length: 255 }),
  w('Phone', 'Account Phone', 'phone', { length: 40 }),
  w('Website', 'Website', 'url', { length: 255 }),
  w('Description', 'Account Description', 'textarea', { length: 32000 }),
  w('AnnualRevenue', 'Annual Revenue', 'currency'),
  w('NumberOfEmployees', 'Employees', 'int'),
  w('BillingCity', 'Billing City', 'string', { length: 40 }),
  w('BillingCountry', 'Billing Country', 'string', { length: 80 }),
]);

export const CONTACT: ObjectDef = stored('Contact', 'Contact', 'Contacts', '003', [
  // Computed from FirstName and LastName, as in Salesforce (records.ts fills it in).
  ro('Name', 'Full Name', 'string', { length: 121 }),
  w('FirstName', 'First Name', 'string', { length: 40 }),
  w('LastName', 'Last Name', 'string', { length: 80, required: true }),
  w('Email', 'Email', 'email', { length: 80 }),
  w('Phone', 'Business Phone', 'phone', { length: 40 }),
  w('Title', 'Title', 'string', { length: 128 }),
  w('AccountId', 'Account ID', 'reference', { referenceTo: 'Account' }),
  w('Birthdate', 'Birthdate', 'date'),
]);

export const OPPORTUNITY: ObjectDef = stored('Opportunity', 'Opportunity', 'Opportunities', '006', [
  w('Name', 'Name', 'string', { length: 120, required: true }),
  w('StageName', 'Stage', 'picklist', { length: 255, required: true }),
  w('CloseDate', 'Close Date', 'date', { required: true }),
  w('Amount', 'Amount', 'currency'),
  w('Probability', 'Probability (%)', 'percent'),
  w('AccountId', 'Account ID', 'reference', { referenceTo: 'Account' }),
  w('Description', 'Description', 'textarea', { length: 32000 }),
]);

export const ORGANIZATION: ObjectDef = {
  name: 'Organization',
  label: 'Organization',
  labelPlural: 'Organizations',
  keyPrefix: '00D',
  virtual: true,
  fields: [
    ID,
    ro('Name', 'Name', 'string', { length: 80 }),
    ro('InstanceName', 'Instance Name', 'string', { length: 5 }),
    ro('IsSandbox', 'Is Sandbox', 'boolean'),
    ro('TrialExpirationDate', 'Trial Expiration Date', 'datetime'),
    ro('NamespacePrefix', 'Namespace Prefix', 'string', { length: 15 }),
    ro('OrganizationType', 'Edition', 'picklist', { length: 255 }),
  ],
};

export const USER: ObjectDef = {
  name: 'User',
  label: 'User',
  labelPlural: 'Users',
  keyPrefix: '005',
  virtual: true,
  fields: [
    ID,
    ro('Username', 'Username', 'string', { length: 80 }),
    ro('Name', 'Full Name', 'string', { length: 121 }),
    ro('FirstName', 'First Name', 'string', { length: 40 }),
    ro('LastName', 'Last Name', 'string', { length: 80 }),
    ro('Email', 'Email', 'email', { length: 128 }),
    ro('IsActive', 'Active', 'boolean'),
    ro('UserType', 'User Type', 'picklist', { length: 255 }),
    ro('CreatedDate', 'Created Date', 'datetime'),
    ro('LastModifiedDate', 'Last Modified Date', 'datetime'),
  ],
};

/** Every object, in describeGlobal order (alphabetical, as Salesforce lists them). */
export const OBJECTS: readonly ObjectDef[] = [ACCOUNT, CONTACT, OPPORTUNITY, ORGANIZATION, USER];

const BY_NAME = new Map(OBJECTS.map((o) => [o.name.toLowerCase(), o]));

/** The object with this API name (any case), or undefined. */
export function objectNamed(name: string): ObjectDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The field with this API name (any case), or undefined. */
export function fieldNamed(def: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return def.fields.find((f) => f.name.toLowerCase() === lower);
}
