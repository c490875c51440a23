/**
 * `s2s db migrate`: applies pending migrations and exits — for upgrades that migrate before
 * the new servers start (then `s2s serve --no-migrate` refuses to start on an old schema).
 * `s2s db status`: the applied and pending migrations. Both take --db / S2S_DATABASE_URL.
 * Migrations are forward-only (docs/operations.md, "Upgrades").
 */
import { openStore, PendingMigrationsError } from '@s2s-oauth/server';
import { Command, Option } from 'commander';

const dbOption = () =>
  new Option('--db <url>', 'sqlite:PATH or postgres://…')
    .env('S2S_DATABASE_URL')
    .default('sqlite:./data/s2s.db');

export function dbCommand(): Command {
  const db = new Command('db').description('the database: migrations');
  db.command('migrate')
    .description('apply pending migrations (forward-only) and exit')
    .addOption(dbOption())
    .action(async (opts: { db: string }) => {
      let applied: string[] = [];
      const store = await openStore(opts.db, {
        onMigrated: (names) => {
          applied = names;
        },
      });
      await store.close();
      process.stdout.write(
        applied.length === 0
          ? 'up to date: no migration to apply\n'
          : applied.map((n) => `applied ${n}\n`).join(''),
      );
    });
  db.command('status')
    .description('list applied and pending migrations; exit code 3 when any is pending')
    .addOption(dbOption())
    .action(async (opts: { db: string }) => {
      const store = await openStore(opts.db, { migrate: false }).catch((err: unknown) => {
        // A database with pending migrations is refused by openStore; say which, then exit 3.
        if (!(err instanceof PendingMigrationsError)) throw err;
        process.stdout.write(`${err.message}\n`);
        process.exitCode = 3;
        return undefined;
      });
      if (!store) return;
      const { applied } = await store.migrationStatus();
      await store.close();
      process.stdout.write(`${applied.map((n) => `applied ${n}`).join('\n')}\nup to date\n`);
    });
  return db;
}
