/**
 * `s2s credentials list|show|remove`: the credentials saved by `s2s login`.
 * Secrets (client secret, refresh token, keys' passphrases) and tokens are
 * never printed; key files are shown by path.
 */
import { createCredential, type NamedCredential, redactCredential, type TokenState } from '@s2s-oauth/client';
import { Command } from 'commander';
import { ConfigDir } from './config_dir.ts';

/** A saved credential, ready to use, with its tokens in the shared store. */
export function openSaved(alias: string | undefined): { cred: NamedCredential; dir: ConfigDir } {
  const dir = new ConfigDir();
  const name = dir.resolveAlias(alias);
  const config = dir.read(name);
  return { cred: createCredential(config, { store: dir.tokenStore(), storeKey: name }), dir };
}

function tokenStatus(state: TokenState | undefined, now = Date.now()): string {
  const t = state?.token;
  if (t === undefined) return 'no token';
  if (t.expiresAt === undefined) return 'token held (expiry unknown)';
  return t.expiresAt > now ? `token valid until ${new Date(t.expiresAt).toISOString()}` : 'token expired';
}

export function credentialsCommand(): Command {
  const cmd = new Command('credentials').description('saved credentials (from s2s login)');

  cmd
    .command('list')
    .description('list saved credentials; * marks the default')
    .option('--json', 'as JSON')
    .action(async (f: { json?: boolean }) => {
      const dir = new ConfigDir();
      const store = dir.tokenStore();
      try {
        const def = dir.defaultAlias();
        const rows = [];
        for (const alias of dir.aliases()) {
          const c = dir.read(alias);
          const state = await store.read(alias);
          rows.push({
            alias,
            default: alias === def,
            flow: c.flow,
            clientId: c.clientId,
            subject: c.subject ?? null,
            tokenEndpoint: c.tokenEndpoint ?? null,
            issuer: c.issuer ?? null,
            instanceUrl: state?.token?.instanceUrl ?? null,
            token: tokenStatus(state),
          });
        }
        if (f.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write(
            'No saved credentials. Log in with `s2s login jwt|saml|client-credentials`.\n',
          );
          return;
        }
        for (const r of rows) {
          process.stdout.write(
            `${r.default ? '*' : ' '} ${r.alias}  ${r.flow}  ${r.subject ?? `client ${r.clientId}`}  ` +
              `${r.instanceUrl ?? r.tokenEndpoint ?? r.issuer}  (${r.token})\n`,
          );
        }
      } finally {
        await store.close();
      }
    });

  cmd
    .command('show')
    .description('show a saved credential (secrets hidden)')
    .argument('[alias]', 'the credential (default: the default one)')
    .action(async (aliasArg: string | undefined) => {
      const dir = new ConfigDir();
      const alias = dir.resolveAlias(aliasArg);
      const c = dir.read(alias);
      const store = dir.tokenStore();
      try {
        const state = await store.read(alias);
        const out = {
          alias,
          default: dir.defaultAlias() === alias,
          credential: redactCredential(c),
          token: tokenStatus(state),
          instanceUrl: state?.token?.instanceUrl ?? null,
          scope: state?.token?.scope ?? null,
          refreshToken: state?.refreshToken ? '(held)' : null,
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } finally {
        await store.close();
      }
    });

  cmd
    .command('remove')
    .description('forget a saved credential and its tokens (nothing is revoked at the server)')
    .argument('<alias>', 'the credential')
    .action(async (alias: string) => {
      const dir = new ConfigDir();
      if (!dir.has(alias)) dir.read(alias); // throws the "no saved credential" message
      const store = dir.tokenStore();
      try {
        await store.remove(alias);
      } finally {
        await store.close();
      }
      dir.remove(alias);
      process.stdout.write(`Removed "${alias}".\n`);
    });

  return cmd;
}
