/** `s2s serve`: the authorization + resource server. Flags > environment > defaults. */
import {
  ConfigError,
  configFromEnv,
  type RunningServer,
  type ServerConfig,
  splitList,
  startServer,
} from '@s2s-oauth/server';
import { Command } from 'commander';

interface ServeFlags {
  port?: string;
  host?: string;
  db?: string;
  issuer?: string;
  demo: boolean;
  dataDir?: string;
  adminToken?: string;
  acceptedAudiences?: string;
  logLevel?: string;
  trustProxy?: boolean;
}

export function resolveServeConfig(flags: ServeFlags, env: NodeJS.ProcessEnv): ServerConfig {
  const c = configFromEnv(env);
  if (flags.port !== undefined) {
    const n = Number(flags.port);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new ConfigError('--port must be a port number (0–65535)');
    c.port = n;
  }
  if (flags.host !== undefined) c.host = flags.host;
  if (flags.db !== undefined) c.databaseUrl = flags.db;
  if (flags.issuer !== undefined) c.issuer = flags.issuer;
  if (flags.demo === false) c.demo = false;
  if (flags.dataDir !== undefined) c.dataDir = flags.dataDir;
  if (flags.adminToken !== undefined) c.adminToken = flags.adminToken;
  if (flags.acceptedAudiences !== undefined) c.extraAudiences = splitList(flags.acceptedAudiences);
  if (flags.logLevel !== undefined) c.logLevel = flags.logLevel;
  if (flags.trustProxy) c.trustProxy = true;
  return c;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the authorization and resource server')
    .option('--port <n>', 'port to listen on (S2S_PORT, default 8080)')
    .option('--host <host>', 'address to bind (S2S_HOST, default localhost)')
    .option('--db <url>', 'sqlite:PATH or postgres://… (S2S_DATABASE_URL, default sqlite:./data/s2s.db)')
    .option('--issuer <url>', 'public base URL (S2S_ISSUER, default http://localhost:<port>)')
    .option('--no-demo', 'do not create the demo user and app on first start (S2S_DEMO=false)')
    .option('--data-dir <dir>', 'where the demo key pair is written (S2S_DATA_DIR, default ./data)')
    .option('--admin-token <token>', 'admin API bearer token (S2S_ADMIN_TOKEN; generated on first start)')
    .option(
      '--accepted-audiences <list>',
      'extra assertion audiences, comma-separated (S2S_ACCEPTED_AUDIENCES)',
    )
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (S2S_LOG_LEVEL, default info)')
    .option('--trust-proxy', 'use X-Forwarded-* from a reverse proxy (S2S_TRUST_PROXY)')
    .action(async (flags: ServeFlags) => {
      let server: RunningServer;
      try {
        server = await startServer(resolveServeConfig(flags, process.env));
      } catch (err) {
        if (err instanceof ConfigError) throw new Error(`invalid configuration: ${err.message}`);
        throw err;
      }
      const out = process.stderr;
      out.write(`s2s-oauth listening on ${server.url}\n`);
      if (server.generatedAdminToken) {
        out.write(
          `\nAdmin API token (shown once; stored hashed — keep it):\n  ${server.generatedAdminToken}\n` +
            `  export S2S_ADMIN_TOKEN=${server.generatedAdminToken}\n`,
        );
      }
      if (server.demo) out.write(`\n${server.demo}\n`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
