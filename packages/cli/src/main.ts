/** `s2s`: one file per command group (serve, admin, keys, …), wired here. */
import { Command, CommanderError } from 'commander';
import { adminCommand } from './admin.ts';
import { credentialsCommand } from './credentials.ts';
import { keysCommand } from './keys.ts';
import { loginCommand } from './login.ts';
import { requestCommand } from './request.ts';
import { serveCommand } from './serve.ts';
import { tokenCommand } from './token.ts';

export function program(): Command {
  const p = new Command('s2s')
    .description(
      's2s-oauth: server-to-server OAuth 2.0 (JWT bearer, SAML bearer, client credentials, refresh)',
    )
    .showHelpAfterError()
    .exitOverride();
  p.addCommand(serveCommand());
  p.addCommand(adminCommand());
  p.addCommand(keysCommand());
  p.addCommand(loginCommand());
  p.addCommand(tokenCommand());
  p.addCommand(requestCommand());
  p.addCommand(credentialsCommand());
  return p;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`s2s: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
