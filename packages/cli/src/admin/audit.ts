/** `s2s admin audit`: grant attempts, newest first (Salesforce: Login History). */
import { type Command, Option } from 'commander';
import { adminAction } from './action.ts';
import { json, type Row, table } from './format.ts';
import { wholeNumber } from './options.ts';

interface AuditFlags {
  clientId?: string;
  username?: string;
  grantType?: string;
  result?: string;
  since?: string;
  limit?: number;
}

export function registerAuditCommand(admin: Command): void {
  admin
    .command('audit')
    .description('grant attempts, newest first (Login History)')
    .option('--client-id <clientId>', 'only this client id')
    .option('--username <username>', 'only this username')
    .option('--grant-type <type>', 'only this grant_type')
    .addOption(new Option('--result <result>', 'only successes or failures').choices(['success', 'failure']))
    .option('--since <time>', 'ISO 8601 date-time or epoch milliseconds')
    .option('--limit <n>', 'at most this many (1–1000, default 100)', wholeNumber)
    .action(
      adminAction<AuditFlags>(async (c, _args, f) => {
        const rows = (await c.client.request('GET', ['audit'], undefined, { ...f })) as Row[];
        if (c.json) {
          c.print(json(rows));
          return;
        }
        c.print(
          table(rows, [
            ['AT', 'at'],
            ['RESULT', 'result'],
            ['GRANT TYPE', 'grantType'],
            ['USERNAME', 'username'],
            ['ERROR', (r) => (r.errorCode ? `${r.errorCode}: ${r.errorDescription}` : '')],
            ['SOURCE IP', 'sourceIp'],
            ['CLIENT ID', 'clientId'],
          ]),
        );
      }),
    );
}
