/**
 * `s2s token [--alias NAME]`: prints a fresh access token of a saved
 * credential (from the shared token store when still fresh, else a new one),
 * and nothing else, so `$(s2s token)` can be used in a header.
 */
import { Command } from 'commander';
import { openSaved } from './credentials.ts';

export function tokenCommand(): Command {
  return new Command('token')
    .description('print a fresh access token of a saved credential')
    .option('-a, --alias <name>', 'the credential (default: the default one)')
    .option('--json', 'print {access_token, instance_url, expires_at} instead')
    .action(async (f: { alias?: string; json?: boolean }) => {
      const { cred } = openSaved(f.alias);
      try {
        const t = await cred.getToken();
        if (f.json) {
          const out = {
            access_token: t.accessToken,
            instance_url: t.instanceUrl ?? null,
            expires_at: t.expiresAt === undefined ? null : new Date(t.expiresAt).toISOString(),
          };
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        } else {
          process.stdout.write(`${t.accessToken}\n`);
        }
      } finally {
        await cred.close();
      }
    });
}
