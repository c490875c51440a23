import type { Kysely, Selectable } from 'kysely';
import type { App, AppCertificate, AppPolicies, AppSecret } from '../../domain/types.ts';
import type { AppStore } from '../interfaces.ts';
import type { AppsTable, Database } from '../schema.ts';
import { isUniqueViolation } from './errors.ts';

function toApp(r: Selectable<AppsTable>): App {
  return {
    id: r.id,
    clientId: r.client_id,
    name: r.name,
    scopes: JSON.parse(r.scopes) as string[],
    callbackUrls: JSON.parse(r.callback_urls) as string[],
    policies: JSON.parse(r.policies) as AppPolicies,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function appRow(a: App) {
  return {
    id: a.id,
    client_id: a.clientId,
    name: a.name,
    scopes: JSON.stringify(a.scopes),
    callback_urls: JSON.stringify(a.callbackUrls),
    policies: JSON.stringify(a.policies),
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

function secretRow(s: AppSecret) {
  return { id: s.id, app_id: s.appId, hash: s.hash, hint: s.hint, created_at: s.createdAt };
}

function certRow(c: AppCertificate) {
  return {
    app_id: c.appId,
    thumbprint: c.thumbprint,
    pem: c.pem,
    subject: c.subject,
    not_before: c.notBefore,
    not_after: c.notAfter,
    created_at: c.createdAt,
  };
}

export class SqlAppStore implements AppStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(app: App, secrets: AppSecret[], certificates: AppCertificate[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('apps').values(appRow(app)).execute();
      if (secrets.length) await trx.insertInto('app_secrets').values(secrets.map(secretRow)).execute();
      if (certificates.length)
        await trx.insertInto('app_certificates').values(certificates.map(certRow)).execute();
    });
  }

  async findByClientId(clientId: string): Promise<App | undefined> {
    const r = await this.db
      .selectFrom('apps')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return r && toApp(r);
  }

  async findById(id: string): Promise<App | undefined> {
    const r = await this.db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toApp(r);
  }

  async list(): Promise<App[]> {
    const rows = await this.db.selectFrom('apps').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toApp);
  }

  async update(app: App): Promise<void> {
    const { id, ...rest } = appRow(app);
    await this.db.updateTable('apps').set(rest).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    // Children are deleted explicitly: SQLite enforces ON DELETE CASCADE only with foreign_keys on.
    return this.db.transaction().execute(async (trx) => {
      for (const t of [
        'app_secrets',
        'app_certificates',
        'preauthorizations',
        'approvals',
        'access_tokens',
      ] as const) {
        await trx.deleteFrom(t).where('app_id', '=', id).execute();
      }
      const r = await trx.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async secrets(appId: string): Promise<AppSecret[]> {
    const rows = await this.db
      .selectFrom('app_secrets')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      appId: r.app_id,
      hash: r.hash,
      hint: r.hint,
      createdAt: Number(r.created_at),
    }));
  }

  async addSecret(secret: AppSecret): Promise<void> {
    await this.db.insertInto('app_secrets').values(secretRow(secret)).execute();
  }

  async deleteSecret(appId: string, secretId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('app_secrets')
      .where('app_id', '=', appId)
      .where('id', '=', secretId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async certificates(appId: string): Promise<AppCertificate[]> {
    const rows = await this.db
      .selectFrom('app_certificates')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      appId: r.app_id,
      thumbprint: r.thumbprint,
      pem: r.pem,
      subject: r.subject,
      notBefore: Number(r.not_before),
      notAfter: Number(r.not_after),
      createdAt: Number(r.created_at),
    }));
  }

  async addCertificate(cert: AppCertificate): Promise<boolean> {
    const r = await this.db
      .insertInto('app_certificates')
      .values(certRow(cert))
      .onConflict((oc) => oc.columns(['app_id', 'thumbprint']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async deleteCertificate(appId: string, thumbprint: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('app_certificates')
      .where('app_id', '=', appId)
      .where('thumbprint', '=', thumbprint)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

export { isUniqueViolation };
