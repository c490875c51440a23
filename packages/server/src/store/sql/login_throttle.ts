/** Failed sign-ins per username and per address, counted over a sliding window. */
import type { Kysely } from 'kysely';
import type { LoginFailure, LoginThrottleStore } from '../interfaces.ts';
import type { Database } from '../schema.ts';

export class SqlLoginThrottleStore implements LoginThrottleStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(f: LoginFailure): Promise<void> {
    await this.db
      .insertInto('login_failures')
      .values({ id: f.id, username: f.username, address: f.address, at: f.at })
      .execute();
  }

  async count(
    username: string,
    address: string,
    since: number,
  ): Promise<{ username: number; address: number }> {
    const [byUser, byAddress] = await Promise.all([
      this.db
        .selectFrom('login_failures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('username', '=', username)
        .where('at', '>=', since)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('login_failures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('address', '=', address)
        .where('at', '>=', since)
        .executeTakeFirstOrThrow(),
    ]);
    return { username: Number(byUser.n), address: Number(byAddress.n) };
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('login_failures').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async clearUsername(username: string): Promise<number> {
    const r = await this.db.deleteFrom('login_failures').where('username', '=', username).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async purgeBefore(before: number, limit: number): Promise<number> {
    const ids = this.db.selectFrom('login_failures').select('id').where('at', '<', before).limit(limit);
    const r = await this.db.deleteFrom('login_failures').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
