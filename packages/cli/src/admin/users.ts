/** `s2s admin user create|list|get|update|delete` (alias `users`). */
import type { Command } from 'commander';
import { type AdminContext, adminAction } from './action.ts';
import { fields, json, type Row, table } from './format.ts';
import { CliError } from './http.ts';
import { defined, readStdinLine } from './options.ts';

interface UserFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  clearPassword?: boolean;
  email?: string;
  firstName?: string;
  lastName?: string;
  profile?: string;
  active?: boolean;
  inactive?: boolean;
}

function showUser(c: AdminContext, u: Row): void {
  if (c.json) {
    c.print(json(u));
    return;
  }
  c.print(
    fields([
      ['id', u.id],
      ['username', u.username],
      ['name', [u.firstName, u.lastName].filter(Boolean).join(' ')],
      ['email', u.email],
      ['profile', u.profile],
      ['active', u.active],
      ['password', u.hasPassword ? 'set' : 'none'],
      ['created', u.createdAt],
      ['updated', u.updatedAt],
    ]),
  );
}

async function body(f: UserFlags): Promise<Record<string, unknown>> {
  if (f.active && f.inactive) throw new CliError('--active and --inactive exclude each other');
  const given = [f.password !== undefined, f.passwordStdin, f.clearPassword].filter(Boolean).length;
  if (given > 1) throw new CliError('give only one of --password, --password-stdin, --clear-password');
  const password = f.passwordStdin ? await readStdinLine() : f.clearPassword ? null : f.password;
  return defined({
    username: f.username,
    password,
    email: f.email,
    firstName: f.firstName,
    lastName: f.lastName,
    profile: f.profile,
    active: f.inactive ? false : f.active ? true : undefined,
  });
}

function userOptions(cmd: Command, forUpdate: boolean): Command {
  cmd
    .option(
      '--password <password>',
      'password (prefer --password-stdin: arguments are visible to other users)',
    )
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--email <email>', 'email address')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--profile <profile>', 'profile name (default "Standard User")')
    .option('--inactive', 'the user may not get tokens');
  if (forUpdate) {
    cmd
      .option('--username <username>', 'new username')
      .option('--clear-password', 'remove the password')
      .option('--active', 'reactivate');
  }
  return cmd;
}

export function registerUserCommands(admin: Command): void {
  const user = admin.command('user').alias('users').description('users (the identities tokens act as)');

  userOptions(user.command('create').description('create a user'), false)
    .requiredOption('--username <username>', 'unique username, e.g. an email address')
    .action(
      adminAction<UserFlags>(async (c, _args, f) => {
        showUser(c, (await c.client.request('POST', ['users'], await body(f))) as Row);
      }),
    );

  user
    .command('list')
    .description('list users')
    .action(
      adminAction(async (c) => {
        const users = (await c.client.request('GET', ['users'])) as Row[];
        if (c.json) {
          c.print(json(users));
          return;
        }
        c.print(
          table(users, [
            ['ID', 'id'],
            ['USERNAME', 'username'],
            ['PROFILE', 'profile'],
            ['ACTIVE', 'active'],
            ['EMAIL', 'email'],
          ]),
        );
      }),
    );

  user
    .command('get')
    .description('show a user')
    .argument('<idOrUsername>', 'user id or username')
    .action(
      adminAction(async (c, [who]) => {
        showUser(c, (await c.client.request('GET', ['users', who!])) as Row);
      }),
    );

  userOptions(user.command('update').description('change a user'), true)
    .argument('<idOrUsername>', 'user id or username')
    .action(
      adminAction<UserFlags>(async (c, [who], f) => {
        const b = await body(f);
        if (Object.keys(b).length === 0) throw new CliError('nothing to change: pass at least one option');
        showUser(c, (await c.client.request('PATCH', ['users', who!], b)) as Row);
      }),
    );

  user
    .command('delete')
    .description('delete a user with their approvals and tokens')
    .argument('<idOrUsername>', 'user id or username')
    .action(
      adminAction(async (c, [who]) => {
        await c.client.request('DELETE', ['users', who!]);
        if (!c.json) c.print(`deleted user ${who}`);
      }),
    );
}
