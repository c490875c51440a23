/** `s2s admin app preauth add|list|remove`: who may use an admin_approved app. */
import type { Command } from 'commander';
import { adminAction } from './action.ts';
import { fields, json, type Row, table } from './format.ts';
import { CliError } from './http.ts';

export function registerPreauthCommands(app: Command): void {
  const pre = app
    .command('preauth')
    .alias('preauths')
    .description('pre-authorized users and profiles (Permitted Users = admin_approved)');

  pre
    .command('add')
    .description('pre-authorize one user or every user of a profile')
    .argument('<clientId>', 'client id')
    .option('--username <username>', 'an existing user')
    .option('--profile <profile>', 'a profile name')
    .action(
      adminAction<{ username?: string; profile?: string }>(async (c, [clientId], f) => {
        if ((f.username === undefined) === (f.profile === undefined)) {
          throw new CliError('give exactly one of --username or --profile');
        }
        const body = f.username !== undefined ? { username: f.username } : { profile: f.profile };
        const r = (await c.client.request('POST', ['apps', clientId!, 'preauthorizations'], body)) as Row;
        c.print(
          c.json
            ? json(r)
            : fields([
                ['id', r.id],
                ['kind', r.kind],
                ['value', r.value],
              ]),
        );
      }),
    );

  pre
    .command('list')
    .description("list an app's pre-authorizations")
    .argument('<clientId>', 'client id')
    .action(
      adminAction(async (c, [clientId]) => {
        const list = (await c.client.request('GET', ['apps', clientId!, 'preauthorizations'])) as Row[];
        c.print(
          c.json
            ? json(list)
            : table(list, [
                ['ID', 'id'],
                ['KIND', 'kind'],
                ['VALUE', 'value'],
                ['CREATED', 'createdAt'],
              ]),
        );
      }),
    );

  pre
    .command('remove')
    .alias('rm')
    .description('remove a pre-authorization')
    .argument('<clientId>', 'client id')
    .argument('<id>', 'pre-authorization id')
    .action(
      adminAction(async (c, [clientId, id]) => {
        await c.client.request('DELETE', ['apps', clientId!, 'preauthorizations', id!]);
        if (!c.json) c.print(`removed pre-authorization ${id}`);
      }),
    );
}
