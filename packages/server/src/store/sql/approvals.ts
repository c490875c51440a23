import type { Kysely, Selectable } from 'kysely';
import type { Approval, Preauthorization, PreauthorizationKind } from '../../domain/types.ts';
import type { ApprovalStore, PreauthorizationStore } from '../interfaces.ts';
import type { ApprovalsTable, Database } from '../schema.ts';

export class SqlPreauthorizationStore implements PreauthorizationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(p: Preauthorization): Promise<boolean> {
    const r = await this.db
      .insertInto('preauthorizations')
      .values({ id: p.id, app_id: p.appId, kind: p.kind, value: p.value, created_at: p.createdAt })
      .onConflict((oc) => oc.columns(['app_id', 'kind', 'value']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async list(appId: string): Promise<Preauthorization[]> {
    const rows = await this.db
      .selectFrom('preauthorizations')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      appId: r.app_id,
      kind: r.kind as PreauthorizationKind,
      value: r.value,
      createdAt: Number(r.created_at),
    }));
  }

  async delete(appId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('preauthorizations')
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async covers(appId: string, username: string, profile: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('preauthorizations')
      .select('id')
      .where('app_id', '=', appId)
      .where((eb) =>
        eb.or([
          eb.and([eb('kind', '=', 'user'), eb('value', '=', username)]),
          eb.and([eb('kind', '=', 'profile'), eb('value', '=', profile)]),
        ]),
      )
      .executeTakeFirst();
    return r !== undefined;
  }
}

function toApproval(r: Selectable<ApprovalsTable>): Approval {
  return {
    id: r.id,
    appId: r.app_id,
    userId: r.user_id,
    scopes: JSON.parse(r.scopes) as string[],
    source: r.source as Approval['source'],
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export class SqlApprovalStore implements ApprovalStore {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(a: Approval): Promise<Approval> {
    return this.db.transaction().execute(async (trx) => {
      // Insert, or touch the existing row, in one statement. On a conflict the
      // row stays locked (PostgreSQL) until commit, and RETURNING gives its latest
      // committed scopes, so concurrent upserts for one app+user queue up here
      // instead of racing a select-then-insert (unique violation) or overwriting
      // each other's scopes (lost update).
      const row = await trx
        .insertInto('approvals')
        .values({
          id: a.id,
          app_id: a.appId,
          user_id: a.userId,
          scopes: JSON.stringify(a.scopes),
          source: a.source,
          created_at: a.createdAt,
          updated_at: a.updatedAt,
        })
        .onConflict((oc) => oc.columns(['app_id', 'user_id']).doUpdateSet({ updated_at: a.updatedAt }))
        .returningAll()
        .executeTakeFirstOrThrow();
      const scopes = [...new Set([...(JSON.parse(row.scopes) as string[]), ...a.scopes])];
      if (JSON.stringify(scopes) !== row.scopes || row.source !== a.source) {
        await trx
          .updateTable('approvals')
          .set({ scopes: JSON.stringify(scopes), source: a.source })
          .where('id', '=', row.id)
          .execute();
      }
      return { ...toApproval(row), scopes, source: a.source };
    });
  }

  async find(appId: string, userId: string): Promise<Approval | undefined> {
    const r = await this.db
      .selectFrom('approvals')
      .selectAll()
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r && toApproval(r);
  }

  async findById(id: string): Promise<Approval | undefined> {
    const r = await this.db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toApproval(r);
  }

  async list(filter: { appId?: string; userId?: string }): Promise<Approval[]> {
    let q = this.db.selectFrom('approvals').selectAll();
    if (filter.appId) q = q.where('app_id', '=', filter.appId);
    if (filter.userId) q = q.where('user_id', '=', filter.userId);
    const rows = await q.orderBy('created_at').execute();
    return rows.map(toApproval);
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('approvals').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
