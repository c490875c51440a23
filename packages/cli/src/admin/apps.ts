/** `s2s admin app create|list|get|update|delete` (alias `apps`), with cert/secret/preauth below it. */
import { type Command, Option } from 'commander';
import { adminAction } from './action.ts';
import { registerCertificateCommands, registerSecretCommands } from './app_credentials.ts';
import { showApp } from './app_view.ts';
import { json, type Row, table } from './format.ts';
import { CliError } from './http.ts';
import { collect, defined, list, readPem, wholeNumber } from './options.ts';
import { registerPreauthCommands } from './preauth.ts';

interface AppFlags {
  name?: string;
  scopes?: string[];
  callbackUrl?: string[];
  cert?: string[];
  permittedUsers?: string;
  ccRunAs?: string;
  ccDisable?: boolean;
  tokenFormat?: string;
  tokenTtl?: number;
  refreshPolicy?: string;
  refreshSeconds?: number;
  refreshRotate?: boolean;
  refreshRequireSecret?: boolean;
  refreshGrace?: number;
  refreshMaxLifetime?: number;
  assertionMaxLifetime?: number;
  assertionAllowTokenEndpointAud?: boolean;
  assertionAllowSha1?: boolean;
  apiDailyLimit?: number;
}

/** The JSON body for POST/PATCH /apps from the flags given (and nothing else). */
export function appBody(f: AppFlags): Record<string, unknown> {
  if (f.ccRunAs !== undefined && f.ccDisable)
    throw new CliError('--cc-run-as and --cc-disable exclude each other');
  const nonEmpty = (o: Record<string, unknown>) => (Object.keys(o).length ? o : undefined);
  return defined({
    name: f.name,
    scopes: f.scopes,
    callbackUrls: f.callbackUrl,
    certificates: f.cert?.map(readPem),
    permittedUsers: f.permittedUsers,
    clientCredentials: f.ccDisable
      ? { enabled: false }
      : f.ccRunAs !== undefined
        ? { enabled: true, runAs: f.ccRunAs }
        : undefined,
    accessToken: nonEmpty(defined({ format: f.tokenFormat, ttlSeconds: f.tokenTtl })),
    refreshToken: nonEmpty(
      defined({
        policy: f.refreshPolicy,
        seconds: f.refreshSeconds,
        rotate: f.refreshRotate,
        requireSecret: f.refreshRequireSecret,
        graceSeconds: f.refreshGrace,
        maxLifetimeSeconds: f.refreshMaxLifetime,
      }),
    ),
    assertion: nonEmpty(
      defined({
        maxLifetimeSeconds: f.assertionMaxLifetime,
        allowTokenEndpointAudience: f.assertionAllowTokenEndpointAud,
        allowSha1: f.assertionAllowSha1,
      }),
    ),
    api: nonEmpty(defined({ dailyLimit: f.apiDailyLimit })),
  });
}

function appOptions(cmd: Command): Command {
  return cmd
    .option('--scopes <list>', 'comma-separated scopes, e.g. api,refresh_token (default api)', list)
    .option('--callback-url <url>', 'callback URL (repeatable)', collect)
    .addOption(
      new Option('--permitted-users <policy>', 'who may use the app').choices([
        'all_users',
        'admin_approved',
      ]),
    )
    .option('--cc-run-as <username>', 'enable client credentials, acting as this user')
    .addOption(new Option('--token-format <format>', 'access token format').choices(['opaque', 'jwt']))
    .option('--token-ttl <seconds>', 'access token lifetime in seconds (60–86400)', wholeNumber)
    .addOption(
      new Option('--refresh-policy <policy>', 'refresh token policy').choices([
        'until_revoked',
        'immediately',
        'expire_after',
        'expire_if_unused',
      ]),
    )
    .option('--refresh-seconds <seconds>', 'for expire_after / expire_if_unused', wholeNumber)
    .option('--refresh-rotate', 'issue a new refresh token on each use')
    .option('--no-refresh-rotate', 'keep the refresh token on use')
    .option('--refresh-require-secret', 'the client must authenticate to refresh (default)')
    .option('--no-refresh-require-secret', 'a client_id alone may refresh (needs rotation)')
    .option(
      '--refresh-grace <seconds>',
      'retry window returning the same successor pair (0–60, default 0)',
      wholeNumber,
    )
    .option('--refresh-max-lifetime <seconds>', 'absolute refresh family lifetime', wholeNumber)
    .option(
      '--assertion-max-lifetime <seconds>',
      'longest accepted JWT or SAML bearer assertion (10–3600)',
      wholeNumber,
    )
    .option(
      '--assertion-allow-token-endpoint-aud',
      'private_key_jwt: also accept the token endpoint URL as aud',
    )
    .option('--no-assertion-allow-token-endpoint-aud', 'private_key_jwt: issuer-only aud (default)')
    .option('--assertion-allow-sha1', 'SAML bearer: also accept RSA-SHA1 (not recommended)')
    .option('--no-assertion-allow-sha1', 'SAML bearer: refuse RSA-SHA1 (default)')
    .option('--api-daily-limit <n>', 'REST API requests per UTC day (default 15000)', wholeNumber);
}

export function registerAppCommands(admin: Command): void {
  const app = admin.command('app').alias('apps').description('connected apps');

  appOptions(app.command('create').description('create a connected app; prints its client secret once'))
    .requiredOption('--name <name>', 'display name')
    .option(
      '--cert <file>',
      'PEM certificate for JWT/SAML bearer assertions and private_key_jwt (repeatable)',
      collect,
    )
    .action(
      adminAction<AppFlags>(async (c, _args, f) => {
        const a = (await c.client.request('POST', ['apps'], appBody(f))) as Row;
        showApp(c, a);
        if (!c.json) c.print(`\nclient secret (shown only now; store it safely):\n  ${a.clientSecret}`);
      }),
    );

  app
    .command('list')
    .description('list connected apps')
    .action(
      adminAction(async (c) => {
        const apps = (await c.client.request('GET', ['apps'])) as Row[];
        if (c.json) {
          c.print(json(apps));
          return;
        }
        c.print(
          table(apps, [
            ['NAME', 'name'],
            ['SCOPES', 'scopes'],
            ['PERMITTED USERS', 'permittedUsers'],
            [
              'RUN AS',
              (r) => ((r.clientCredentials as Row).enabled ? (r.clientCredentials as Row).runAs : ''),
            ],
            ['CERTS', (r) => (r.certificates as Row[]).length],
            ['CLIENT ID', 'clientId'],
          ]),
        );
      }),
    );

  app
    .command('get')
    .description('show a connected app (never its secrets)')
    .argument('<clientId>', 'client id (consumer key)')
    .action(
      adminAction(async (c, [clientId]) =>
        showApp(c, (await c.client.request('GET', ['apps', clientId!])) as Row),
      ),
    );

  appOptions(app.command('update').description('change a connected app'))
    .argument('<clientId>', 'client id (consumer key)')
    .option('--name <name>', 'display name')
    .option('--cc-disable', 'disable client credentials')
    .action(
      adminAction<AppFlags>(async (c, [clientId], f) => {
        const b = appBody(f);
        if (Object.keys(b).length === 0) throw new CliError('nothing to change: pass at least one option');
        showApp(c, (await c.client.request('PATCH', ['apps', clientId!], b)) as Row);
      }),
    );

  app
    .command('delete')
    .description('delete a connected app with its secrets, certificates, approvals and tokens')
    .argument('<clientId>', 'client id (consumer key)')
    .action(
      adminAction(async (c, [clientId]) => {
        await c.client.request('DELETE', ['apps', clientId!]);
        if (!c.json) c.print(`deleted app ${clientId}`);
      }),
    );

  registerCertificateCommands(app);
  registerSecretCommands(app);
  registerPreauthCommands(app);
}
