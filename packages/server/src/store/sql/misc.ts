import { type Kysely, sql } from 'kysely';
import type { AuditEvent, SigningKey } from '../../domain/types.ts';
import type {
  AuditBucketCount,
  AuditFilter,
  AuditStore,
  AuditSummaryFilter,
  SettingsStore,
  SigningKeyStore,
  StoredSigningKey,
} from '../interfaces.ts';
import type { Database } from '../schema.ts';

export class SqlSigningKeyStore implements SigningKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<StoredSigningKey[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .selectAll()
      .orderBy('created_at')
      .orderBy('kid')
      .execute();
    return rows.map((r) => ({
      kid: r.kid,
      alg: r.alg as SigningKey['alg'],
      privatePem: r.private_pem,
      publicJwk: JSON.parse(r.public_jwk) as Record<string, unknown>,
      createdAt: Number(r.created_at),
      retiredAt: r.retired_at === null ? null : Number(r.retired_at),
      ...(r.activates_at === null || r.activates_at === undefined
        ? {}
        : { activatesAt: Number(r.activates_at) }),
    }));
  }

  async insert(k: StoredSigningKey): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values({
        kid: k.kid,
        alg: k.alg,
        private_pem: k.privatePem,
        public_jwk: JSON.stringify(k.publicJwk),
        created_at: k.createdAt,
        retired_at: k.retiredAt,
        ...(k.activatesAt === undefined ? {} : { activates_at: k.activatesAt }),
      })
      .execute();
  }

  async replacePrivatePem(kid: string, from: string, to: string): Promise<boolean> {
    const r = await this.db
      .updateTable('signing_keys')
      .set({ private_pem: to })
      .where('kid', '=', kid)
      .where('private_pem', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async retire(kid: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('signing_keys')
      .set({ retired_at: at })
      .where('kid', '=', kid)
      .where('retired_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(e: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        at: e.at,
        event: e.event,
        client_id: e.clientId,
        user_id: e.userId,
        username: e.username,
        grant_type: e.grantType,
        result: e.result,
        error_code: e.errorCode,
        error_description: e.errorDescription,
        source_ip: e.sourceIp,
      })
      .execute();
  }

  async list(f: AuditFilter): Promise<AuditEvent[]> {
    let q = this.db.selectFrom('audit_events').selectAll();
    if (f.clientId) q = q.where('client_id', '=', f.clientId);
    if (f.userId) q = q.where('user_id', '=', f.userId);
    if (f.username) q = q.where('username', '=', f.username);
    if (f.grantType) q = q.where('grant_type', '=', f.grantType);
    if (f.result) q = q.where('result', '=', f.result);
    if (f.since !== undefined) q = q.where('at', '>=', f.since);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(f.limit ?? 100)
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      event: r.event,
      clientId: r.client_id,
      userId: r.user_id,
      username: r.username,
      grantType: r.grant_type,
      result: r.result as AuditEvent['result'],
      errorCode: r.error_code,
      errorDescription: r.error_description,
      sourceIp: r.source_ip,
    }));
  }

  async summarize(f: AuditSummaryFilter): Promise<AuditBucketCount[]> {
    if (![f.since, f.until, f.bucketMs].every(Number.isSafeInteger) || f.bucketMs <= 0 || f.since < 0) {
      throw new Error('audit summary: since, until and bucketMs must be whole numbers, bucketMs > 0');
    }
    // Inlined as literals (checked integers above) so both dialects divide integers.
    const bucket = sql<number>`(at - ${sql.lit(f.since)}) / ${sql.lit(f.bucketMs)}`;
    let q = this.db
      .selectFrom('audit_events')
      .select((eb) => [
        bucket.as('bucket'),
        'grant_type',
        'result',
        'error_code',
        eb.fn.countAll<number | string>().as('count'),
      ])
      .where('event', '=', 'token')
      .where('at', '>=', f.since)
      .where('at', '<', f.until);
    if (f.clientId) q = q.where('client_id', '=', f.clientId);
    if (f.username) q = q.where('username', '=', f.username);
    if (f.grantType) q = q.where('grant_type', '=', f.grantType);
    if (f.result) q = q.where('result', '=', f.result);
    const rows = await q.groupBy([bucket, 'grant_type', 'result', 'error_code']).execute();
    return rows
      .map((r) => ({
        bucket: Number(r.bucket),
        grantType: r.grant_type,
        result: r.result as AuditBucketCount['result'],
        errorCode: r.error_code,
        count: Number(r.count),
      }))
      .sort(
        (a, b) =>
          a.bucket - b.bucket ||
          a.result.localeCompare(b.result) ||
          (a.grantType ?? '').localeCompare(b.grantType ?? '') ||
          (a.errorCode ?? '').localeCompare(b.errorCode ?? ''),
      );
  }
}

export class SqlSettingsStore implements SettingsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value;
  }

  async putIfAbsent(key: string, value: string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get(key)) as string;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
}
