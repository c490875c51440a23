/**
 * The Fastify application: body parsing, the error serialiser, and the routes.
 * Routes only parse, call the core and serialise (docs/architecture.md).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { OAuthError } from '../oauth/errors.ts';
import { resourceRoutes } from '../resource/index.ts';
import { adminRoutes } from './admin/index.ts';
import { authorizationRoutes } from './authorize.ts';
import { consoleRoutes } from './console/index.ts';
import { corsRoutes } from './cors.ts';
import { errorHandler, sendOAuthError } from './errors.ts';
import { healthRoutes } from './health.ts';
import { introspectionRoutes } from './introspect.ts';
import { metadataRoutes } from './metadata.ts';
import { type MetricsHttpOptions, metricsRoutes } from './metrics.ts';
import { type LimitOptions, rateLimits } from './rate_limit.ts';
import { revocationRoutes } from './revoke.ts';
import { securityHeaders } from './security_headers.ts';
import { tokenRoutes } from './token.ts';

export interface HttpOptions {
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
  trustProxy?: boolean;
  /** Serve HTTPS directly (PEM certificate chain and key). */
  https?: { cert: Buffer; key: Buffer };
  /** Origins allowed by CORS on metadata, JWKS, userinfo and token (http/cors.ts). */
  corsOrigins?: readonly string[];
  /** Request limits (http/rate_limit.ts); none when absent. */
  limits?: LimitOptions;
  /** Request timing and GET /metrics (http/metrics.ts); none when absent. */
  metrics?: MetricsHttpOptions;
}

export function buildHttpApp(ctx: ServerContext, opts: HttpOptions = {}): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    trustProxy: opts.trustProxy ?? false,
    ...(opts.https ? { https: opts.https } : {}),
    // While draining, requests already on open connections are answered, not refused (http/drain.ts).
    return503OnClosing: false,
  }) as unknown as FastifyInstance;

  // Form bodies are parsed by the routes (duplicate detection needs the raw text).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  // Anything else reaches the route as text, so each endpoint answers in its own error shape.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) =>
    sendOAuthError(reply, new OAuthError('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`)),
  );

  // Before the routes: these attach hooks to the routes they concern as they are added.
  if (opts.corsOrigins) corsRoutes(app, opts.corsOrigins);
  if (opts.limits) rateLimits(app, opts.limits);
  if (opts.metrics) metricsRoutes(app, ctx, opts.metrics);
  securityHeaders(app);
  healthRoutes(app, ctx);
  tokenRoutes(app, ctx);
  authorizationRoutes(app, ctx);
  revocationRoutes(app, ctx);
  introspectionRoutes(app, ctx);
  metadataRoutes(app, ctx);
  resourceRoutes(app, ctx);
  adminRoutes(app, ctx);
  consoleRoutes(app, ctx);
  return app;
}
