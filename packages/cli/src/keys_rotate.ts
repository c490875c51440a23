/**
 * `s2s keys list` and `s2s keys rotate`: the server's signing keys, through the admin API
 * (GET /admin/v1/keys, POST /admin/v1/keys/rotate) with --url and --admin-token as
 * `s2s admin` takes them. Rotation publishes the new key at once and signs with it after
 * the overlap; the keys it replaces stay published until their `retires` time
 * (docs/operations.md, "Signing keys").
 */
import { type Command, Option } from 'commander';
import { adminAction } from './admin/action.ts';
import { fields, json, type Row, table } from './admin/format.ts';
import { wholeNumber } from './admin/options.ts';

const COLUMNS: [string, string | ((r: Row) => unknown)][] = [
  ['KID', 'kid'],
  ['ALG', 'alg'],
  ['STATE', 'state'],
  ['CREATED', 'createdAt'],
  ['SIGNS FROM', 'activatesAt'],
  ['RETIRES', 'retiresAt'],
  ['ENCRYPTED', 'encrypted'],
];

function withAdminOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--url <url>', 'server base URL').env('S2S_URL').default('http://localhost:8080'))
    .addOption(new Option('--admin-token <token>', 'admin API token').env('S2S_ADMIN_TOKEN'))
    .option('--json', 'print JSON instead of a table');
}

export function registerSigningKeyCommands(keys: Command): void {
  withAdminOptions(keys.command('list'))
    .description("the server's signing keys and their state (signing, pending, published, retired)")
    .action(
      adminAction<object>(async (c) => {
        const rows = (await c.client.request('GET', ['keys'])) as Row[];
        c.print(c.json ? json(rows) : table(rows, COLUMNS));
      }),
    );

  withAdminOptions(keys.command('rotate'))
    .description('add the next signing key: published now, signing after the overlap')
    .addOption(
      new Option('--alg <alg>', 'algorithm of the new key (default: that of the current one)').choices([
        'ES256',
        'RS256',
      ]),
    )
    .option(
      '--overlap <seconds>',
      'publish this long before signing (default: the server’s S2S_KEY_OVERLAP_SECONDS)',
      wholeNumber,
    )
    .action(
      adminAction<{ alg?: string; overlap?: number }>(async (c, _args, f) => {
        const body = {
          ...(f.alg ? { alg: f.alg } : {}),
          ...(f.overlap === undefined ? {} : { overlapSeconds: f.overlap }),
        };
        const r = (await c.client.request('POST', ['keys', 'rotate'], body)) as { key: Row; keys: Row[] };
        if (c.json) {
          c.print(json(r));
          return;
        }
        c.print(
          fields([
            ['new key', r.key.kid],
            ['published from', r.key.createdAt],
            ['signs from', r.key.activatesAt],
          ]),
        );
        c.print(table(r.keys, COLUMNS));
      }),
    );
}
