/**
 * `s2s login jwt|saml|client-credentials`: gets a first token to prove the
 * credential works, then saves it under an alias (credentials/<alias>.json,
 * 0600) with its tokens in the shared token store. The `jwt` command has the
 * shape of `sf org login jwt`. Nothing secret is printed.
 */
import { resolve } from 'node:path';
import {
  type CredentialConfig,
  createCredential,
  memoryTokenStore,
  validateCredential,
} from '@s2s-oauth/client';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ALIAS, ConfigDir } from './config_dir.ts';
import { webLogin } from './login/web.ts';

/** Salesforce's token path under a login or My Domain URL. */
const TOKEN_PATH = '/services/oauth2/token';

interface CommonFlags {
  instanceUrl?: string;
  tokenUrl?: string;
  issuer?: string;
  alias?: string;
  scope?: string;
  param: string[];
  setDefault?: boolean;
}

function alias(v: string): string {
  if (!ALIAS.test(v))
    throw new InvalidArgumentError('letters, digits or ._@- (starting with a letter or digit)');
  return v;
}

function url(v: string): string {
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new InvalidArgumentError('must be an absolute http(s) URL');
  }
  return v.replace(/\/+$/, '');
}

function keyValue(v: string, prev: string[]): string[] {
  if (!/^[^=]+=/.test(v)) throw new InvalidArgumentError('must be NAME=VALUE');
  return [...prev, v];
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a whole number (0-65535)');
  return n;
}

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 86400)
    throw new InvalidArgumentError('must be a whole number of seconds (1-86400)');
  return n;
}

function pairs(list: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    const [k, v] = [kv.slice(0, i), kv.slice(i + 1)];
    const had = out[k];
    out[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
  }
  return out;
}

function withCommon(c: Command): Command {
  return c
    .option('-r, --instance-url <url>', 'login URL (its token endpoint is <url>/services/oauth2/token)', url)
    .option('--token-url <url>', 'token endpoint, when it is not under --instance-url', url)
    .option('--issuer <url>', 'issuer identifier: discover the token endpoint (RFC 8414)', url)
    .option('-a, --alias <name>', 'name to save the credential as', alias)
    .option('--scope <scopes>', 'scopes to ask for, comma- or space-separated')
    .option(
      '--param <name=value>',
      'extra token-request parameter, sent every time (repeatable)',
      keyValue,
      [],
    )
    .option('--set-default', 'make this the default credential');
}

/** The endpoint part of a credential from the common flags. */
function endpoints(f: CommonFlags): Pick<CredentialConfig, 'tokenEndpoint' | 'issuer' | 'instanceUrl'> {
  if (f.instanceUrl === undefined && f.tokenUrl === undefined && f.issuer === undefined) {
    throw new Error('give --instance-url (or --token-url, or --issuer)');
  }
  const out: Pick<CredentialConfig, 'tokenEndpoint' | 'issuer' | 'instanceUrl'> = {};
  const tokenEndpoint =
    f.tokenUrl ?? (f.instanceUrl !== undefined ? `${f.instanceUrl}${TOKEN_PATH}` : undefined);
  if (tokenEndpoint !== undefined) out.tokenEndpoint = tokenEndpoint;
  // The login URL is the server's identity: the default assertion audience and client-assertion `aud`.
  const issuer = f.issuer ?? f.instanceUrl;
  if (issuer !== undefined) out.issuer = issuer;
  return out;
}

function scopes(s: string | undefined): string[] | undefined {
  if (s === undefined) return undefined;
  return s.split(/[\s,]+/).filter(Boolean);
}

/** Checks, gets a first token, saves. */
async function login(cfg: CredentialConfig, f: CommonFlags): Promise<void> {
  const checked = validateCredential(cfg);
  const dir = new ConfigDir();
  // In memory until it works: a failed login leaves an earlier one under this alias untouched.
  const cred = createCredential(cfg, { store: memoryTokenStore() });
  const t = await cred.getToken();
  await dir.adoptTokens(checked.name, await cred.state());
  const first = dir.aliases().length === 0;
  dir.save(checked.name, cfg);
  if (first || f.setDefault) dir.setDefault(checked.name);
  const who = cfg.subject ?? `client ${cfg.clientId}`;
  const until = t.expiresAt === undefined ? 'until refused' : `until ${new Date(t.expiresAt).toISOString()}`;
  process.stdout.write(
    `Logged in as ${who} (${cfg.flow}); saved as "${checked.name}"` +
      `${dir.defaultAlias() === checked.name ? ' (default)' : ''}.\n` +
      `Instance: ${t.instanceUrl ?? '(none in the token response)'}; token valid ${until}.\n`,
  );
}

function common(f: CommonFlags): Partial<CredentialConfig> {
  const out: Partial<CredentialConfig> = { ...endpoints(f) };
  const sc = scopes(f.scope);
  if (sc !== undefined) out.scopes = sc;
  if (f.param.length > 0) out.tokenParams = pairs(f.param);
  return out;
}

export function loginCommand(): Command {
  const cmd = new Command('login').description('get a token with a credential and save it under an alias');

  withCommon(
    cmd
      .command('jwt')
      .description('JWT bearer flow (RFC 7523 §2.1), as `sf org login jwt`')
      .requiredOption('-i, --client-id <id>', 'the app’s client id (consumer key)')
      .requiredOption('-f, --jwt-key-file <file>', 'the private key (PEM) whose certificate the app holds')
      .requiredOption('-o, --username <user>', 'the user to get a token for')
      .option('--audience <aud>', 'JWT aud (default: the instance URL)'),
  ).action(
    async (
      f: CommonFlags & { clientId: string; jwtKeyFile: string; username: string; audience?: string },
    ) => {
      await login(
        {
          name: f.alias ?? f.username,
          flow: 'jwt_bearer',
          clientId: f.clientId,
          privateKeyFile: resolve(f.jwtKeyFile),
          subject: f.username,
          ...(f.audience !== undefined ? { audience: f.audience } : {}),
          ...common(f),
        },
        f,
      );
    },
  );

  withCommon(
    cmd
      .command('saml')
      .description('SAML 2.0 bearer flow (RFC 7522 §2.1)')
      .requiredOption('-i, --client-id <id>', 'the app’s client id (consumer key): the assertion Issuer')
      .requiredOption('-f, --key-file <file>', 'the RSA private key (PEM)')
      .requiredOption('-c, --cert-file <file>', 'its certificate (PEM), registered with the app')
      .requiredOption('-o, --username <user>', 'the user to get a token for (NameID)')
      .option('--audience <aud>', 'the Audience (default: the instance URL)')
      .option('--attribute <name=value>', 'a SAML attribute (repeatable)', keyValue, []),
  ).action(
    async (
      f: CommonFlags & {
        clientId: string;
        keyFile: string;
        certFile: string;
        username: string;
        audience?: string;
        attribute: string[];
      },
    ) => {
      await login(
        {
          name: f.alias ?? f.username,
          flow: 'saml2_bearer',
          clientId: f.clientId,
          privateKeyFile: resolve(f.keyFile),
          certificateFile: resolve(f.certFile),
          subject: f.username,
          ...(f.audience !== undefined ? { audience: f.audience } : {}),
          ...(f.attribute.length > 0 ? { samlAttributes: pairs(f.attribute) } : {}),
          ...common(f),
        },
        f,
      );
    },
  );

  withCommon(
    cmd
      .command('client-credentials')
      .description(
        'client credentials flow (RFC 6749 §4.4), with a secret or a private key (private_key_jwt)',
      )
      .requiredOption('-i, --client-id <id>', 'the app’s client id (consumer key)')
      .option(
        '--client-secret <secret>',
        'the client secret (or set S2S_CLIENT_SECRET, which stays out of ps)',
      )
      .option('-f, --jwt-key-file <file>', 'authenticate with private_key_jwt (RFC 7523 §2.2) using this key')
      .addOption(
        new Option('--auth <method>', 'how to send the secret (RFC 6749 §2.3.1)')
          .choices(['basic', 'post'])
          .default('basic'),
      ),
  ).action(
    async (
      f: CommonFlags & { clientId: string; clientSecret?: string; jwtKeyFile?: string; auth: string },
    ) => {
      const secret = f.clientSecret ?? process.env.S2S_CLIENT_SECRET;
      if ((secret === undefined) === (f.jwtKeyFile === undefined)) {
        throw new Error('give exactly one of --client-secret (or S2S_CLIENT_SECRET) and --jwt-key-file');
      }
      const auth: Partial<CredentialConfig> =
        f.jwtKeyFile !== undefined
          ? { clientAuthMethod: 'private_key_jwt', privateKeyFile: resolve(f.jwtKeyFile) }
          : {
              clientAuthMethod: f.auth === 'post' ? 'client_secret_post' : 'client_secret_basic',
              clientSecret: secret,
            };
      await login(
        {
          name: f.alias ?? f.clientId,
          flow: 'client_credentials',
          clientId: f.clientId,
          ...auth,
          ...common(f),
        },
        f,
      );
    },
  );

  withCommon(
    cmd
      .command('web')
      .description(
        'authorization code + PKCE (RFC 6749 §4.1, RFC 7636): log in in a browser, keep the refresh token',
      )
      .requiredOption('-i, --client-id <id>', 'the app’s client id (consumer key)')
      .option('--client-secret <secret>', 'the client secret, if the app has one (or S2S_CLIENT_SECRET)')
      .addOption(
        new Option('--auth <method>', 'how to send the secret (RFC 6749 §2.3.1)')
          .choices(['basic', 'post'])
          .default('basic'),
      )
      .option(
        '--authorize-url <url>',
        'authorization endpoint (default: <instance-url>/services/oauth2/authorize, or discovered)',
        url,
      )
      .option(
        '--auth-param <name=value>',
        'extra authorization-request parameter, e.g. prompt=consent (repeatable)',
        keyValue,
        [],
      )
      .option('--port <n>', 'loopback port for the redirect (default: any free port)', port, 0)
      .option(
        '--redirect-uri <uri>',
        'a registered loopback redirect URI to use as is, e.g. http://localhost:1717/OauthRedirect',
      )
      .option('--timeout <seconds>', 'how long to wait for the browser (default 300)', seconds, 300),
  ).action(
    async (
      f: CommonFlags & {
        clientId: string;
        clientSecret?: string;
        auth: string;
        authorizeUrl?: string;
        authParam: string[];
        port: number;
        redirectUri?: string;
        timeout: number;
      },
    ) => {
      const secret = f.clientSecret ?? process.env.S2S_CLIENT_SECRET;
      const authorizationEndpoint =
        f.authorizeUrl ??
        (f.instanceUrl !== undefined ? `${f.instanceUrl}/services/oauth2/authorize` : undefined);
      await webLogin({
        config: {
          name: f.alias ?? f.clientId,
          flow: 'authorization_code',
          clientId: f.clientId,
          ...(secret !== undefined
            ? {
                clientAuthMethod: f.auth === 'post' ? 'client_secret_post' : 'client_secret_basic',
                clientSecret: secret,
              }
            : { clientAuthMethod: 'none' }),
          ...(authorizationEndpoint !== undefined ? { authorizationEndpoint } : {}),
          ...(f.authParam.length > 0
            ? { authorizationParams: pairs(f.authParam) as Record<string, string> }
            : {}),
          ...common(f),
        },
        port: f.port,
        ...(f.redirectUri !== undefined ? { redirectUri: f.redirectUri } : {}),
        timeoutSeconds: f.timeout,
        dir: new ConfigDir(),
        setDefault: f.setDefault === true,
      });
    },
  );

  return cmd;
}
