/**
 * `s2s admin …`: wraps the admin HTTP API (docs/admin-api.md). Global options:
 * --url (S2S_URL), --admin-token (S2S_ADMIN_TOKEN), --json. Each command group
 * lives in ./admin/.
 */
import { Command, Option } from 'commander';
import { registerApprovalCommands } from './admin/approvals.ts';
import { registerAppCommands } from './admin/apps.ts';
import { registerAuditCommand } from './admin/audit.ts';
import { registerUserCommands } from './admin/users.ts';

export function adminCommand(): Command {
  const admin = new Command('admin')
    .description('manage users, apps, certificates, secrets and approvals')
    .addOption(new Option('--url <url>', 'server base URL').env('S2S_URL').default('http://localhost:8080'))
    .addOption(new Option('--admin-token <token>', 'admin API token').env('S2S_ADMIN_TOKEN'))
    .option('--json', 'print JSON instead of tables')
    .showHelpAfterError()
    // Usage errors reach main() as CommanderError (exit code set there) instead of process.exit.
    .exitOverride();
  registerUserCommands(admin);
  registerAppCommands(admin);
  registerApprovalCommands(admin);
  registerAuditCommand(admin);
  return admin;
}
