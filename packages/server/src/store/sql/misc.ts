import type { CompiledQuery, Kysely } from 'kysely';
import { sql } from 'kysely';
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

/**
 * Rows per INSERT of `recordMany`: 11 parameters a row, so 2 816 per statement, far below
 * SQLite's limit (32 766 since 3.32) and PostgreSQL's (65 535). Larger batches are split into
 * power-of-two chunks, so at most 9 distinct statements exist (SQLite keeps prepared
 * statements by their text, sqlite_connection.ts) and a batch of n takes ⌈log2 n⌉ of them.
 */
const MAX_AUDIT_ROWS = 256;

const AUDIT_COLUMNS = 11;

/** Every column given (null for an absent value), so each row compiles to the same 11 parameters. */
function auditRow(e: AuditEvent) {
  return {
    at: e.at,
    event: e.event,
    client_id: e.clientId ?? null,
    user_id: e.userId ?? null,
    username: e.username ?? null,
    grant_type: e.grantType ?? null,
    result: e.result,
    error_code: e.errorCode ?? null,
    error_description: e.errorDescription ?? null,
    source_ip: e.sourceIp ?? null,
    token_id: e.tokenId ?? null,
  };
}

/** One row's parameters, in auditRow's column order (the order Kysely compiles them in). */
function pushAuditParams(out: unknown[], e: AuditEvent): void {
  const r = auditRow(e);
  out.push(r.at, r.event, r.client_id, r.user_id, r.username, r.grant_type, r.result, r.error_code);
  out.push(r.error_description, r.source_ip, r.token_id);
}

/** [0, 256), [256, 384) … : the largest power of two ≤ what is left, capped at MAX_AUDIT_ROWS. */
function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; ) {
    const n = Math.min(MAX_AUDIT_ROWS, 2 ** Math.floor(Math.log2(items.length - i)));
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}

export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(e: AuditEvent): Promise<void> {
    await this.db.insertInto('audit_events').values(auditRow(e)).execute();
  }

  async recordMany(events: AuditEvent[]): Promise<void> {
    const parts = chunks(events);
    if (parts.length === 0) return;
    if (parts.length === 1) return this.insertRows(this.db, parts[0]!);
    // All or nothing, so a caller that retries a failed batch writes no event twice.
    await this.db.transaction().execute(async (trx) => {
      for (const p of parts) await this.insertRows(trx, p);
    });
  }

  /**
   * Each chunk size's INSERT, compiled once (compiling cost ~4 of ~11 µs a row, measured) and
   * run again with new parameters; the same query node, so the group commits see an INSERT.
   */
  private readonly compiledInserts = new Map<number, CompiledQuery>();

  private async insertRows(db: Kysely<Database>, rows: AuditEvent[]): Promise<void> {
    let compiled = this.compiledInserts.get(rows.length);
    if (compiled === undefined) {
      compiled = db.insertInto('audit_events').values(rows.map(auditRow)).compile();
      if (compiled.parameters.length !== rows.length * AUDIT_COLUMNS) {
        throw new Error('audit insert: unexpected parameter count');
      }
      this.compiledInserts.set(rows.length, compiled);
    }
    const parameters: unknown[] = [];
    for (const e of rows) pushAuditParams(parameters, e);
    await db.executeQuery({ ...compiled, parameters });
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
      ...(r.token_id ? { tokenId: r.token_id } : {}),
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
