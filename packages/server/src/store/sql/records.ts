/**
 * Records of the records API and the daily API call counts, in Kysely, one implementation
 * for both dialects. Decisions are made by the database:
 * - a patch is a compare-and-set on `revision` (`UPDATE … WHERE revision = read`), retried
 *   until it wins, so concurrent patches merge instead of overwriting each other;
 * - a call count is one `INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`;
 *   the meter's batches (store/api_usage_meter.ts) add theirs the same way, in one statement.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  ApiUsageIncrement,
  ApiUsageStore,
  ApiUsageTotal,
  RecordStore,
  RecordValue,
  StoredRecord,
} from '../interfaces.ts';
import type { Database, RecordsTable } from '../schema.ts';

/** Patch attempts before giving up; each loss means another patch of the same record committed. */
const PATCH_ATTEMPTS = 50;
/** Rows per incrementMany: 3 000 parameters, far below SQLite's 32 766 and PostgreSQL's 65 535. */
export const INCREMENT_MANY_MAX = 1000;

function toRecord(r: Selectable<RecordsTable>): StoredRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    object: r.object,
    fields: JSON.parse(r.fields) as Record<string, RecordValue>,
    ownerId: r.owner_id,
    createdById: r.created_by_id,
    lastModifiedById: r.last_modified_by_id,
    createdAt: Number(r.created_at),
    lastModifiedAt: Number(r.last_modified_at),
  };
}

/** Null values are not stored: absent and null read the same. */
function compact(fields: Record<string, RecordValue>): Record<string, RecordValue> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
}

export class SqlRecordStore implements RecordStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(r: StoredRecord): Promise<void> {
    await this.db
      .insertInto('records')
      .values({
        id: r.id,
        org_id: r.orgId,
        object: r.object,
        fields: JSON.stringify(compact(r.fields)),
        owner_id: r.ownerId,
        created_by_id: r.createdById,
        last_modified_by_id: r.lastModifiedById,
        created_at: r.createdAt,
        last_modified_at: r.lastModifiedAt,
        revision: 0,
      })
      .execute();
  }

  private row(orgId: string, object: string, id: string) {
    return this.db
      .selectFrom('records')
      .selectAll()
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .where('object', '=', object)
      .executeTakeFirst();
  }

  async find(orgId: string, object: string, id: string): Promise<StoredRecord | undefined> {
    const r = await this.row(orgId, object, id);
    return r && toRecord(r);
  }

  async list(orgId: string, object: string): Promise<StoredRecord[]> {
    const rows = await this.db
      .selectFrom('records')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('object', '=', object)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async patch(
    orgId: string,
    object: string,
    id: string,
    changes: Record<string, RecordValue>,
    by: { userId: string; at: number },
  ): Promise<StoredRecord | undefined> {
    for (let i = 0; i < PATCH_ATTEMPTS; i++) {
      const current = await this.row(orgId, object, id);
      if (!current) return undefined;
      const fields = compact({ ...(JSON.parse(current.fields) as Record<string, RecordValue>), ...changes });
      const r = await this.db
        .updateTable('records')
        .set({
          fields: JSON.stringify(fields),
          last_modified_by_id: by.userId,
          last_modified_at: by.at,
          revision: Number(current.revision) + 1,
        })
        .where('id', '=', id)
        .where('revision', '=', current.revision)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) {
        return toRecord({
          ...current,
          fields: JSON.stringify(fields),
          last_modified_by_id: by.userId,
          last_modified_at: by.at,
        });
      }
    }
    throw new Error(`record ${id}: too many concurrent updates`);
  }

  async delete(orgId: string, object: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('records')
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .where('object', '=', object)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

export class SqlApiUsageStore implements ApiUsageStore {
  constructor(private readonly db: Kysely<Database>) {}

  async increment(appId: string, day: string): Promise<number> {
    const r = await this.db
      .insertInto('api_usage')
      .values({ app_id: appId, day, count: 1 })
      .onConflict((oc) => oc.columns(['app_id', 'day']).doUpdateSet({ count: sql`api_usage.count + 1` }))
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(r.count);
  }

  async incrementMany(items: readonly ApiUsageIncrement[]): Promise<ApiUsageTotal[]> {
    // PostgreSQL refuses to update one row twice in a statement: one row per (app, day).
    const sums = new Map<string, ApiUsageIncrement>();
    for (const i of items) {
      if (!Number.isInteger(i.n) || i.n < 1) throw new Error(`incrementMany: n must be a positive integer`);
      const k = `${i.appId}\u0000${i.day}`;
      const seen = sums.get(k);
      if (seen) seen.n += i.n;
      else sums.set(k, { ...i });
    }
    if (sums.size === 0) return [];
    if (sums.size > INCREMENT_MANY_MAX)
      throw new Error(`incrementMany: more than ${INCREMENT_MANY_MAX} items`);
    // VALUES columns are column1, column2 … on both databases. The cast types the count on
    // PostgreSQL (a bare parameter in VALUES is text). The SELECT's WHERE skips apps deleted
    // since their calls were counted, which would otherwise fail the whole batch on the
    // foreign key; it also settles SQLite's ON-after-SELECT parsing ambiguity. The text differs
    // by row count only, so the kept SQLite statements (sqlite_connection.ts) hold one per batch
    // size seen — a handful while few apps are active, and run once a second, not per call.
    const rows = sql.join(
      [...sums.values()].map((i) => sql`(${i.appId}, ${i.day}, cast(${i.n} as integer))`),
    );
    const r = await sql<{ app_id: string; day: string; count: number | string }>`
      insert into api_usage (app_id, day, count)
      select v.column1, v.column2, v.column3 from (values ${rows}) as v
      where exists (select 1 from apps where apps.id = v.column1)
      on conflict (app_id, day) do update set count = api_usage.count + excluded.count
      returning app_id, day, count`.execute(this.db);
    return r.rows.map((x) => ({ appId: x.app_id, day: x.day, count: Number(x.count) }));
  }

  async count(appId: string, day: string): Promise<number> {
    const r = await this.db
      .selectFrom('api_usage')
      .select('count')
      .where('app_id', '=', appId)
      .where('day', '=', day)
      .executeTakeFirst();
    return r ? Number(r.count) : 0;
  }

  async purgeBefore(day: string): Promise<number> {
    const r = await this.db.deleteFrom('api_usage').where('day', '<', day).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
