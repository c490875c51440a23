/**
 * Runs an `s2s admin …` action: builds the client from the global options
 * (--url, --admin-token, --json), and turns failures into
 * `error: <error>: <error_description>` on stderr with exit code 1.
 */
import type { Command } from 'commander';
import { AdminApiError, AdminClient, CliError } from './http.ts';

export interface AdminContext {
  client: AdminClient;
  /** Print JSON instead of tables. */
  json: boolean;
  print(text: string): void;
}

interface GlobalOptions {
  url: string;
  adminToken?: string;
  json?: boolean;
}

export function contextFrom(cmd: Command): AdminContext {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return {
    client: new AdminClient({ url: g.url, token: g.adminToken }),
    json: g.json === true,
    print: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}

export function reportError(err: unknown): void {
  if (err instanceof AdminApiError) process.stderr.write(`error: ${err.error}: ${err.description}\n`);
  else if (err instanceof CliError) process.stderr.write(`error: ${err.message}\n`);
  else throw err;
  process.exitCode = 1;
}

/**
 * Wraps a handler for commander's `.action()`: commander passes the positional
 * arguments, then the command's options, then the command itself.
 */
export function adminAction<O>(handler: (c: AdminContext, args: string[], opts: O) => Promise<void>) {
  return async (...all: unknown[]): Promise<void> => {
    const cmd = all[all.length - 1] as Command;
    const opts = all[all.length - 2] as O;
    const args = all.slice(0, -2) as string[];
    try {
      await handler(contextFrom(cmd), args, opts);
    } catch (err) {
      reportError(err);
    }
  };
}
