import { Command } from 'commander';

/** `s2s admin …`: wraps the admin HTTP API. */
export function adminCommand(): Command {
  return new Command('admin').description('manage users, apps, certificates, secrets and approvals');
}
