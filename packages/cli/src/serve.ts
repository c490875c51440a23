/**
 * `s2s serve`: the authorization + resource server. Flags > environment > config file >
 * defaults; every flag comes from the server's settings table (docs/configuration.md).
 * SIGTERM/SIGINT drain: stop accepting, answer what is in flight (bounded by
 * --shutdown-timeout), close the store, exit 0. A second signal exits at once.
 */
import {
  bannerOutput,
  ConfigError,
  type FlagValues,
  followPrimary,
  KeyEncryptionError,
  PendingMigrationsError,
  type RunningServer,
  resolveConfig,
  SETTINGS,
  type ServerConfig,
  type Setting,
  serveWorkersIfAsked,
  startServer,
} from '@s2s-oauth/server';
import { Command } from 'commander';

/** Commander's attribute for a flag: `--tls-cert` → `tlsCert`, `--no-demo` → `demo`. */
function attribute(s: Setting): string {
  return s.flag!.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The parsed options, keyed by setting; `config` is the --config file. */
export function resolveServeConfig(opts: Record<string, unknown>, env: NodeJS.ProcessEnv): ServerConfig {
  const flags: FlagValues = {};
  for (const s of SETTINGS) {
    if (!s.flag) continue;
    const v = opts[attribute(s)];
    if (typeof v === 'string' || typeof v === 'boolean') flags[s.key] = v;
  }
  const configFile = typeof opts.config === 'string' ? opts.config : undefined;
  return resolveConfig({ flags, configFile, env });
}

function describe(s: Setting): string {
  return `${s.help} (${s.env})`;
}

function onSignals(server: RunningServer, timeoutSeconds: number): void {
  const out = process.stderr;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      out.write(`${signal} again: exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    out.write(`${signal}: draining (at most ${timeoutSeconds} s), then closing the store\n`);
    server.close().then(
      () => {
        out.write('stopped\n');
        process.exit(0);
      },
      (err: unknown) => {
        out.write(`shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('run the authorization and resource server')
    .option('--config <file>', 'JSON file of settings (S2S_CONFIG); flags and environment win over it');
  for (const s of SETTINGS) {
    if (s.flag) cmd.option(s.arg ? `${s.flag} ${s.arg}` : s.flag, describe(s));
  }
  return cmd.action(async (opts: Record<string, unknown>) => {
    let config: ServerConfig;
    let server: RunningServer;
    try {
      config = resolveServeConfig(opts, process.env);
      // --workers N > 1: this process becomes the primary of N workers (cluster.ts) and stays here.
      await serveWorkersIfAsked(config);
      server = await startServer(config);
    } catch (err) {
      if (
        err instanceof ConfigError ||
        err instanceof KeyEncryptionError ||
        err instanceof PendingMigrationsError
      ) {
        throw new Error(`invalid configuration: ${err.message}`);
      }
      throw err;
    }
    // With workers, worker 1 prints the banner and the primary says when all are ready.
    const out = bannerOutput();
    out.write(`s2s-oauth listening on ${server.url}\n`);
    if (server.metricsUrl) out.write(`metrics on ${server.metricsUrl}/metrics\n`);
    if (server.generatedAdminToken) {
      out.write(
        `\nAdmin API token (shown once; stored hashed — keep it):\n  ${server.generatedAdminToken}\n` +
          `  export S2S_ADMIN_TOKEN=${server.generatedAdminToken}\n`,
      );
    }
    if (server.demo) out.write(`\n${server.demo}\n`);
    onSignals(server, config.shutdownTimeoutSeconds);
    followPrimary(() => server.close());
  });
}
