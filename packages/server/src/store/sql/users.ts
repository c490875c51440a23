import type { Kysely, Selectable } from 'kysely';
import type { User } from '../../domain/types.ts';
import type { UserStore } from '../interfaces.ts';
import type { Database, UsersTable } from '../schema.ts';
import { isUniqueViolation } from './errors.ts';

function toUser(r: Selectable<UsersTable>): User {
  return {
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    profile: r.profile,
    active: Number(r.active) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function row(u: User) {
  return {
    id: u.id,
    username: u.username,
    password_hash: u.passwordHash,
    email: u.email,
    first_name: u.firstName,
    last_name: u.lastName,
    profile: u.profile,
    active: u.active ? 1 : 0,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

export class SqlUserStore implements UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(user: User): Promise<boolean> {
    try {
      await this.db.insertInto('users').values(row(user)).execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async findById(id: string): Promise<User | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    // Exact, case-sensitive match: no folding or normalisation (RFC 7523 §3 item 1 style comparison).
    const r = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return r && toUser(r);
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toUser);
  }

  async update(user: User): Promise<boolean> {
    const { id, ...rest } = row(user);
    try {
      await this.db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('users')
          .select('username')
          .where('id', '=', id)
          .executeTakeFirst();
        await trx.updateTable('users').set(rest).where('id', '=', id).execute();
        // Pre-authorizations name users by username: they follow a rename, so a later user who
        // takes the old name does not inherit them.
        if (before && before.username !== user.username) {
          await trx
            .updateTable('preauthorizations')
            .set({ value: user.username })
            .where('kind', '=', 'user')
            .where('value', '=', before.username)
            .execute();
        }
      });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('approvals').where('user_id', '=', id).execute();
      await trx.deleteFrom('access_tokens').where('user_id', '=', id).execute();
      const gone = await trx.selectFrom('users').select('username').where('id', '=', id).executeTakeFirst();
      if (gone) {
        // Otherwise a new user with the same name would be pre-authorized from the start.
        await trx
          .deleteFrom('preauthorizations')
          .where('kind', '=', 'user')
          .where('value', '=', gone.username)
          .execute();
      }
      const r = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
}
