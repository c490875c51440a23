/** Start-up: config → store → keys → http. Nothing else lives here. */
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { ensureAdminToken, ensureOrgId } from './bootstrap.ts';
import type { ServerConfig } from './config/index.ts';
import { validateConfig } from './config/index.ts';
import type { ServerContext } from './context.ts';
import { ensureDemo } from './demo.ts';
import { buildHttpApp } from './http/app.ts';
import { KeyRing } from './keys/key_ring.ts';
import { createLogger } from './logger.ts';
import { openStore } from './store/open.ts';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  ctx: ServerContext;
  /** Set only on the start that generated the admin token: print it once. */
  generatedAdminToken?: string;
  /** The demo's try-it commands, when the demo exists. */
  demo?: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where logs go instead of standard output (tests read them back). */
  logDestination?: DestinationStream;
  /** Replaces the clock (tests). */
  now?: () => number;
}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const c = validateConfig({ ...config });
  const log = createLogger(c.logLevel, opts.logDestination);
  const now = opts.now ?? Date.now;
  const store = await openStore(c.databaseUrl);
  try {
    const orgId = await ensureOrgId(store);
    const keys = new KeyRing(store.signingKeys);
    await keys.init(now());
    const generatedAdminToken = await ensureAdminToken(store, c.adminToken);
    const ctx: ServerContext = {
      store,
      keys,
      orgId,
      log,
      now,
      settings: {
        issuer: c.issuer ?? '',
        extraAudiences: c.extraAudiences,
        clockSkewSeconds: c.clockSkewSeconds,
      },
    };
    const app = buildHttpApp(ctx, { trustProxy: c.trustProxy });
    await app.listen({ port: c.port, host: c.host });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : c.port;
    if (!c.issuer) {
      const host =
        c.host === '0.0.0.0' || c.host === '::' ? 'localhost' : c.host.includes(':') ? `[${c.host}]` : c.host;
      ctx.settings.issuer = `http://${host}:${port}`;
    }
    const demo = c.demo ? await ensureDemo(ctx, c.dataDir) : undefined;
    return {
      url: ctx.settings.issuer,
      app,
      ctx,
      generatedAdminToken,
      demo,
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
