/**
 * `s2s`: one file per command group (serve, admin, keys, …), wired here.
 * Groups load lazily: `s2s admin …` does not pay for loading the server package,
 * which only `serve` and `keys` need. `s2s --help` loads them all.
 */
import { Command, CommanderError } from 'commander';

interface Group {
  name: string;
  load(): Promise<Command>;
}

/** Add a command group here: its name on the command line and how to build it. */
const GROUPS: Group[] = [
  { name: 'serve', load: async () => (await import('./serve.ts')).serveCommand() },
  { name: 'admin', load: async () => (await import('./admin.ts')).adminCommand() },
  { name: 'keys', load: async () => (await import('./keys.ts')).keysCommand() },
  { name: 'db', load: async () => (await import('./db.ts')).dbCommand() },
  { name: 'login', load: async () => (await import('./login.ts')).loginCommand() },
  { name: 'token', load: async () => (await import('./token.ts')).tokenCommand() },
  { name: 'request', load: async () => (await import('./request.ts')).requestCommand() },
  { name: 'credentials', load: async () => (await import('./credentials.ts')).credentialsCommand() },
];

/** The program with every group, or only the one named by `only` (when it names one). */
export async function program(only?: string): Promise<Command> {
  const p = new Command('s2s')
    .description(
      's2s-oauth: server-to-server OAuth 2.0 (JWT bearer, SAML bearer, client credentials, refresh)',
    )
    .showHelpAfterError()
    .exitOverride();
  const chosen = GROUPS.filter((g) => g.name === only);
  for (const g of chosen.length > 0 ? chosen : GROUPS) p.addCommand(await g.load());
  return p;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await (await program(argv[2])).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`s2s: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
