/**
 * Prometheus metrics over HTTP (metrics/metrics.ts says what is measured):
 * - every answer is timed into its route's series (onResponse; no allocation per request);
 * - GET /metrics on the main port needs `Authorization: Bearer` with S2S_METRICS_TOKEN or the
 *   admin token, unless a separate metrics port is configured (then it is not served here);
 * - `--metrics-port` starts a second listener that serves only GET /metrics, without a
 *   token, for a network only the scraper reaches (default address 127.0.0.1).
 */
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type onResponseHookHandler,
  type RouteOptions,
} from 'fastify';
import { ADMIN_TOKEN_SETTING } from '../bootstrap.ts';
import type { ServerContext } from '../context.ts';
import { digestEquals, sha256Hex } from '../domain/hashing.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { OAuthError } from '../oauth/errors.ts';
import { sendOAuthError } from './errors.ts';

export interface MetricsHttpOptions {
  metrics: Metrics;
  /** Serve GET /metrics on this app (needs a token). False when a metrics port serves it. */
  route: boolean;
  token?: string;
}

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Times every request into the series of its route pattern, method and status. Each route gets
 * its own onResponse hook with its pattern bound (reading `req.routeOptions` would build an object
 * per request); 404s go to the `unmatched` series.
 */
export function metricsHook(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url;
    const hook: onResponseHookHandler = (req, reply, done) => {
      metrics.httpSeries(url, req.method, reply.statusCode).observe(reply.elapsedTime / 1000);
      done();
    };
    const existing = route.onResponse;
    route.onResponse = existing === undefined ? [hook] : [...[existing].flat(), hook];
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (req.is404)
      metrics.httpSeries('unmatched', req.method, reply.statusCode).observe(reply.elapsedTime / 1000);
    done();
  });
}

async function send(metrics: Metrics, reply: FastifyReply): Promise<FastifyReply> {
  const { contentType, text } = await metrics.exposition();
  return reply.header('cache-control', 'no-store').type(contentType).send(text);
}

export function metricsRoutes(app: FastifyInstance, ctx: ServerContext, opts: MetricsHttpOptions): void {
  metricsHook(app, opts.metrics);
  if (!opts.route) return;
  const tokenHash = opts.token ? sha256Hex(opts.token) : undefined;
  app.get('/metrics', async (req: FastifyRequest, reply: FastifyReply) => {
    const m = BEARER.exec(req.headers.authorization ?? '');
    const presented = m ? sha256Hex(m[1]!) : undefined;
    const admin = presented ? await ctx.store.settings.get(ADMIN_TOKEN_SETTING) : undefined;
    const ok =
      presented !== undefined &&
      ((tokenHash !== undefined && digestEquals(presented, tokenHash)) ||
        (admin !== undefined && digestEquals(presented, admin)));
    if (!ok) {
      reply.header(
        'www-authenticate',
        m ? 'Bearer realm="s2s-metrics", error="invalid_token"' : 'Bearer realm="s2s-metrics"',
      );
      return sendOAuthError(
        reply,
        new OAuthError('invalid_token', m ? 'the metrics token is invalid' : 'a metrics token is required'),
      );
    }
    return send(opts.metrics, reply);
  });
}

/** The separate metrics listener: GET /metrics only, no token. */
export async function startMetricsListener(
  metrics: Metrics,
  host: string,
  port: number,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ bodyLimit: 1024 });
  app.get('/metrics', async (_req, reply) => send(metrics, reply));
  await app.listen({ host, port });
  const addr = app.server.address();
  const p = typeof addr === 'object' && addr ? addr.port : port;
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${p}` };
}
