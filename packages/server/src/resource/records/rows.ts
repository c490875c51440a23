/**
 * Where the rows of an object come from: the records table for stored objects,
 * our own users and org for the virtual ones. A row maps each field's API name
 * to its value; date-times are epoch milliseconds here and are formatted only
 * on the way out (format.ts), so comparisons and sorting work on numbers.
 */
import type { ServerContext } from '../../context.ts';
import type { User } from '../../domain/types.ts';
import type { RecordValue, StoredRecord } from '../../store/interfaces.ts';
import { CONTACT, type ObjectDef, ORGANIZATION, USER } from './objects.ts';

export type Row = Record<string, RecordValue>;

/** What the virtual Organization says about us (`sf` reads OrganizationType as the edition). */
export const ORG_FACTS = {
  Name: 's2s-oauth',
  InstanceName: 'S2S',
  IsSandbox: false,
  TrialExpirationDate: null,
  NamespacePrefix: null,
  OrganizationType: 'Developer Edition',
} as const;

/** Salesforce computes a Contact's Name from its first and last names. */
function fullName(first: RecordValue | undefined, last: RecordValue | undefined): string | null {
  const name = [first, last].filter((v) => typeof v === 'string' && v !== '').join(' ');
  return name === '' ? null : name;
}

export function storedRow(def: ObjectDef, r: StoredRecord): Row {
  const row: Row = {
    Id: r.id,
    ...r.fields,
    OwnerId: r.ownerId,
    CreatedDate: r.createdAt,
    CreatedById: r.createdById,
    LastModifiedDate: r.lastModifiedAt,
    LastModifiedById: r.lastModifiedById,
  };
  if (def === CONTACT) row.Name = fullName(r.fields.FirstName, r.fields.LastName);
  return row;
}

function userRow(u: User): Row {
  return {
    Id: u.id,
    Username: u.username,
    Name: fullName(u.firstName, u.lastName) ?? u.username,
    FirstName: u.firstName,
    LastName: u.lastName ?? u.username,
    Email: u.email,
    IsActive: u.active,
    UserType: 'Standard',
    CreatedDate: u.createdAt,
    LastModifiedDate: u.updatedAt,
  };
}

function orgRow(ctx: ServerContext): Row {
  return { Id: ctx.orgId, ...ORG_FACTS };
}

/** Every row of the object, oldest first. */
export async function rowsOf(ctx: ServerContext, def: ObjectDef): Promise<Row[]> {
  if (def === ORGANIZATION) return [orgRow(ctx)];
  if (def === USER) {
    const users = await ctx.store.users.list();
    return users.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(userRow);
  }
  const records = await ctx.store.records.list(ctx.orgId, def.name);
  return records.map((r) => storedRow(def, r));
}

/** The row with this (18-character) id, or undefined. */
export async function rowById(ctx: ServerContext, def: ObjectDef, id: string): Promise<Row | undefined> {
  if (def === ORGANIZATION) return id === ctx.orgId ? orgRow(ctx) : undefined;
  if (def === USER) {
    const u = await ctx.store.users.findById(id);
    return u && userRow(u);
  }
  const r = await ctx.store.records.find(ctx.orgId, def.name, id);
  return r && storedRow(def, r);
}
