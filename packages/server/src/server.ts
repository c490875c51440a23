/** Start-up: config → store → keys → http; and the graceful way down. Nothing else lives here. */
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { ensureAdminToken, ensureOrgId } from './bootstrap.ts';
import type { ServerConfig } from './config/index.ts';
import { validateConfig } from './config/index.ts';
import { loadTls } from './config/tls.ts';
import type { ServerContext } from './context.ts';
import { ensureDemo } from './demo.ts';
import { buildHttpApp } from './http/app.ts';
import { drain, drainHook } from './http/drain.ts';
import { startMetricsListener } from './http/metrics.ts';
import { KeyEncryption } from './keys/encryption.ts';
import { KeyRing } from './keys/key_ring.ts';
import { createLogger } from './logger.ts';
import { instrumentStore } from './metrics/instrument_store.ts';
import { Metrics } from './metrics/metrics.ts';
import { Revocations } from './oauth/tokens/revocations.ts';
import { Purger } from './services/purge.ts';
import { withApiUsageMeter } from './store/api_usage_meter.ts';
import { WriteBehindAuditStore, withAuditWriteBehind } from './store/audit_write_behind.ts';
import { withSharedCache } from './store/cache_bus.ts';
import type { Store } from './store/interfaces.ts';
import { openStore } from './store/open.ts';
import { withRedis } from './store/redis/index.ts';

export interface RunningServer {
  /** The issuer: the public base URL (what clients are told). */
  url: string;
  /** Where this process listens (differs from `url` behind a proxy). */
  listenUrl: string;
  app: FastifyInstance;
  ctx: ServerContext;
  metrics: Metrics;
  /** The separate metrics listener's base URL, when `metricsPort` is set. */
  metricsUrl?: string;
  /** Set only on the start that generated the admin token: print it once. */
  generatedAdminToken?: string;
  /** The demo's try-it commands, when the demo exists. */
  demo?: string;
  /**
   * Stops accepting, answers the requests in flight (at most `shutdownTimeoutSeconds`), then
   * closes the store. Safe to call more than once.
   */
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
  const tls = loadTls(c);
  const encryption = c.keyEncryptionKey ? KeyEncryption.fromSetting(c.keyEncryptionKey) : null;
  const log = createLogger(c.logLevel, opts.logDestination);
  const now = opts.now ?? Date.now;
  const metrics = new Metrics();
  // Audit events written behind the request, in batches; closing the store flushes them.
  const opened = await openStore(c.databaseUrl, { migrate: c.migrate });
  let store: Store = withAuditWriteBehind(opened, {
    flushMs: c.auditFlushMs,
    log,
    counters: metrics.audit,
  });
  if (store.audit instanceof WriteBehindAuditStore) {
    const sink = store.audit;
    metrics.watchAuditBuffer(() => sink.size);
  }
  let app: FastifyInstance | undefined;
  try {
    const orgId = await ensureOrgId(store);
    // With Redis: replay records there (store/redis/), and the rate-limit counters.
    const redis = c.redisUrl ? await withRedis(store, c.redisUrl, orgId) : undefined;
    // Set below; the bus may tell of other processes' revocations before (read at start anyway).
    let revocations: Revocations | undefined;
    // Apps, secrets, users … kept in memory a few seconds; a change clears every process's copy.
    const cached = withSharedCache(redis?.store ?? store, {
      ttlMs: c.cacheTtlSeconds * 1000,
      databaseUrl: c.databaseUrl,
      log,
      onRevocations: () => revocations?.poll(),
    });
    // API calls counted in memory and written in batches; closing the store writes the rest.
    store = withApiUsageMeter(instrumentStore(cached, metrics), {
      flushMs: c.apiUsageFlushMs,
      onFlushError: (err, pendingCalls, final) =>
        final
          ? log.error({ err, pendingCalls }, 'api usage: counted calls not written at shutdown')
          : log.warn({ err, pendingCalls }, 'api usage: writing the counted calls failed; kept'),
    });
    const keys = new KeyRing(store.signingKeys, {
      now,
      encryption,
      rotation: {
        overlapMs: c.keyRotationOverlapSeconds * 1000,
        retireAfterMs: c.keyRetireAfterSeconds * 1000,
      },
      log,
    });
    await keys.init(now());
    // Revocations of stateless JWTs: loaded before serving, then kept current (bus and poll).
    const revoked = await new Revocations(store.revocations, {
      pollMs: c.revocationPollMs,
      now,
      log,
    }).start();
    revocations = revoked;
    metrics.watchKeys(keys);
    const generatedAdminToken = await ensureAdminToken(store, c.adminToken);
    const ctx: ServerContext = {
      store,
      keys,
      revocations: revoked,
      orgId,
      log,
      now,
      settings: {
        issuer: c.issuer ?? '',
        extraAudiences: c.extraAudiences,
        clockSkewSeconds: c.clockSkewSeconds,
      },
    };
    app = buildHttpApp(ctx, {
      trustProxy: c.trustProxy,
      bodyLimit: c.bodyLimit,
      https: tls,
      corsOrigins: c.corsOrigins,
      limits: {
        windowMs: c.rateLimitWindowSeconds * 1000,
        tokenPerClient: c.tokenRateLimitPerClient,
        tokenPerAddress: c.tokenRateLimitPerAddress,
        loginPerAddress: c.loginRateLimitPerAddress,
        authFailureLimit: c.authFailureLimit,
        metrics,
        redis: redis ? { client: redis.redis, prefix: `s2s:{${orgId}}:rl` } : undefined,
      },
      metrics: { metrics, route: c.metricsPort === undefined, token: c.metricsToken },
    });
    drainHook(app);
    await app.listen({ port: c.port, host: c.host });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : c.port;
    const host =
      c.host === '0.0.0.0' || c.host === '::' ? 'localhost' : c.host.includes(':') ? `[${c.host}]` : c.host;
    const listenUrl = `${tls ? 'https' : 'http'}://${host}:${port}`;
    if (!c.issuer) ctx.settings.issuer = listenUrl;
    const metricsListener =
      c.metricsPort === undefined
        ? undefined
        : await startMetricsListener(metrics, c.metricsHost, c.metricsPort);
    keys.startReloading(c.keyReloadSeconds * 1000);
    // Expired tokens, codes and replay records, in bounded batches (services/purge.ts).
    const purger = new Purger(store, { intervalMs: c.purgeIntervalSeconds * 1000, now, log }).start();
    const demo = c.demo ? await ensureDemo(ctx, c.dataDir) : undefined;
    const running = app;
    let closing: Promise<void> | undefined;
    return {
      url: ctx.settings.issuer,
      listenUrl,
      app: running,
      ctx,
      metrics,
      metricsUrl: metricsListener?.url,
      generatedAdminToken,
      demo,
      close() {
        closing ??= (async () => {
          const outcome = await drain(running, c.shutdownTimeoutSeconds * 1000);
          if (outcome === 'cut') log.warn('shutdown timeout reached: open connections were cut');
          keys.stop();
          await revoked.stop();
          await purger.stop();
          await metricsListener?.app.close();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await app?.close();
    await store.close();
    throw err;
  }
}
