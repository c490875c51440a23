/** `s2s admin approval create|list|remove` (alias `approvals`). */
import type { Command } from 'commander';
import { type AdminContext, adminAction } from './action.ts';
import { json, type Row, table } from './format.ts';
import { list } from './options.ts';

function approvalTable(c: AdminContext, rows: Row[]): void {
  if (c.json) {
    c.print(json(rows));
    return;
  }
  c.print(
    table(rows, [
      ['ID', 'id'],
      ['USERNAME', 'username'],
      ['APP', 'appName'],
      ['SCOPES', 'scopes'],
      ['SOURCE', 'source'],
      ['UPDATED', 'updatedAt'],
      ['CLIENT ID', 'clientId'],
    ]),
  );
}

export function registerApprovalCommands(admin: Command): void {
  const approval = admin
    .command('approval')
    .alias('approvals')
    .description("approvals: a user's standing consent for an app (consulted by the JWT bearer grant)");

  approval
    .command('create')
    .description("approve an app for a user on the user's behalf")
    .requiredOption('--client-id <clientId>', 'client id of the app')
    .requiredOption('--username <username>', 'the user')
    .requiredOption('--scopes <list>', 'comma-separated subset of the app scopes', list)
    .action(
      adminAction<{ clientId: string; username: string; scopes: string[] }>(async (c, _args, f) => {
        const r = (await c.client.request('POST', ['approvals'], f)) as Row;
        if (c.json) c.print(json(r));
        else approvalTable(c, [r]);
      }),
    );

  approval
    .command('list')
    .description('list approvals')
    .option('--client-id <clientId>', 'only this app')
    .option('--username <username>', 'only this user')
    .action(
      adminAction<{ clientId?: string; username?: string }>(async (c, _args, f) => {
        const rows = (await c.client.request('GET', ['approvals'], undefined, f)) as Row[];
        approvalTable(c, rows);
      }),
    );

  approval
    .command('remove')
    .alias('rm')
    .description("delete an approval and revoke the app's live tokens for that user")
    .argument('<id>', 'approval id')
    .action(
      adminAction(async (c, [id]) => {
        await c.client.request('DELETE', ['approvals', id!]);
        if (!c.json) c.print(`removed approval ${id}; the app's tokens for that user are revoked`);
      }),
    );
}
