/**
 * Request limits (docs/operations.md, "Limits"). Every refusal is 429 with `Retry-After`;
 * on the OAuth endpoints the body is `{"error":"temporarily_unavailable",…}` (RFC 6749 §5.2
 * shape), on the sign-in page an HTML page.
 *
 * - per source address, on token/revoke/introspect and on sign-in posts: @fastify/rate-limit,
 *   counted on arrival, before the body is read;
 * - per client id, on the token endpoint: only answered (2xx) token requests count, so a
 *   client's budget cannot be spent by someone who merely claims its id;
 * - failed client authentications (401 invalid_client): back-off per (address, client id),
 *   and per address over all client ids at 4× the limit — the offender waits, the client
 *   it impersonates keeps working from its own addresses.
 *
 * Counters live in this process, or in Redis when S2S_REDIS_URL is set so that the limits
 * hold across instances (without it, N instances allow N× the limits). The sign-in failure
 * throttle of oauth/authorization/login.ts is in the database and holds across instances.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Redis } from 'ioredis';
import type { LimitName, Metrics } from '../metrics/metrics.ts';
import { OAuthError } from '../oauth/errors.ts';
import { claimedClientId } from './client_key.ts';
import { sendOAuthError } from './errors.ts';
import { type Backoff, FailureBackoff, WindowCounter, type Windows } from './limit_counters.ts';
import { RedisBackoff, RedisWindows } from './limit_counters_redis.ts';
import { errorPage } from './pages/error.ts';
import { PATHS } from './pages/paths.ts';
import { sendPage } from './pages/respond.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client id the request claims (rate_limit.ts), once the body is read. */
    s2sClientId: string | null;
  }
}

export interface LimitOptions {
  windowMs: number;
  /** Per window; 0 = off. */
  tokenPerClient: number;
  tokenPerAddress: number;
  loginPerAddress: number;
  /** Failed client authentications before back-off; 0 = off. */
  authFailureLimit: number;
  metrics?: Metrics;
  /** Count in Redis (S2S_REDIS_URL), shared by every instance; `prefix` keeps deployments apart. */
  redis?: { client: Redis; prefix: string };
}

const TOKEN = '/services/oauth2/token';
const CLIENT_AUTH_ROUTES = new Set([TOKEN, '/services/oauth2/revoke', '/services/oauth2/introspect']);

type Check = (
  req: FastifyRequest,
) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }>;

function refuse(reply: FastifyReply, seconds: number, description: string): FastifyReply {
  reply.header('retry-after', String(Math.max(1, Math.ceil(seconds))));
  return sendOAuthError(reply, new OAuthError('temporarily_unavailable', description, { status: 429 }));
}

type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Hooks = { onRequest?: Hook; preHandler?: Hook; onResponse?: Hook };

/** Adds hooks to one route's own lists, so routes without limits carry no cost at all. */
function addRouteHooks(route: RouteOptions, hooks: Hooks): void {
  const r = route as unknown as Record<string, unknown>;
  for (const [name, fn] of Object.entries(hooks)) {
    const existing = r[name];
    r[name] = existing === undefined ? [fn] : [...[existing].flat(), fn];
  }
}

export function rateLimits(app: FastifyInstance, opts: LimitOptions): void {
  const address: { token?: Check; login?: Check } = {};
  const plugin = async (f: FastifyInstance) => {
    await f.register(fastifyRateLimit, {
      global: false,
      cache: 10_000,
      // Fail open when Redis is away (limit_counters_redis.ts says why).
      skipOnError: true,
      ...(opts.redis ? { redis: opts.redis.client, nameSpace: `${opts.redis.prefix}:addr:` } : {}),
    });
    const perAddress = (max: number): Check | undefined =>
      max > 0
        ? (f.createRateLimit({ max, timeWindow: opts.windowMs, keyGenerator: (r) => r.ip }) as Check)
        : undefined;
    address.token = perAddress(opts.tokenPerAddress);
    address.login = perAddress(opts.loginPerAddress);
  };
  // Registered at the root (Fastify's skip-override, what fastify-plugin sets), before any route.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  app.register(plugin);
  app.decorateRequest('s2sClientId', null);
  const counted = counters(opts);
  const login = loginHook(opts, address);
  app.addHook('onRoute', (route) => {
    // POST only: a CORS preflight (OPTIONS) of the token endpoint is not a token request.
    if (![route.method].flat().includes('POST')) return;
    if (CLIENT_AUTH_ROUTES.has(route.url))
      addRouteHooks(route, clientAuthHooks(opts, address, counted, route.url === TOKEN));
    else if (route.url === PATHS.login) addRouteHooks(route, { onRequest: login });
  });
}

function loginHook(opts: LimitOptions, address: { login?: Check }): Hook {
  return async (req, reply) => {
    const r = address.login ? await address.login(req) : undefined;
    if (!r || r.isAllowed || !r.isExceeded) return;
    opts.metrics?.rateLimited('login_address');
    reply.header('retry-after', String(Math.max(1, r.ttlInSeconds ?? 1)));
    const page = errorPage(
      'Too many sign-in attempts',
      'Too many sign-in attempts came from your network. Wait a minute, then try again.',
    );
    return sendPage(reply, page, { status: 429 });
  };
}

/** In Redis when configured, else in this process; undefined when the limit is off. */
function counters(opts: LimitOptions): { perClient?: Windows; backoff?: Backoff; addressBackoff?: Backoff } {
  const r = opts.redis;
  const onError = () => opts.metrics?.storeError(true);
  const windows = (max: number) =>
    max <= 0
      ? undefined
      : r
        ? new RedisWindows(r.client, r.prefix, max, opts.windowMs, onError)
        : new WindowCounter(max, opts.windowMs);
  const failures = (limit: number, name: string) =>
    opts.authFailureLimit <= 0
      ? undefined
      : r
        ? new RedisBackoff(r.client, `${r.prefix}:${name}`, limit, onError)
        : new FailureBackoff(limit);
  return {
    perClient: windows(opts.tokenPerClient),
    backoff: failures(opts.authFailureLimit, 'pair'),
    addressBackoff: failures(opts.authFailureLimit * 4, 'address'),
  };
}

/** The hooks of one client-authenticating route; `isToken`: the per-client limit applies. */
function clientAuthHooks(
  opts: LimitOptions,
  address: { token?: Check },
  { perClient, backoff, addressBackoff }: ReturnType<typeof counters>,
  isToken: boolean,
): Hooks {
  const count = (limit: LimitName) => opts.metrics?.rateLimited(limit);

  const onRequest: Hook = async (req, reply) => {
    const r = address.token ? await address.token(req) : undefined;
    if (r && !r.isAllowed && r.isExceeded) {
      count('token_address');
      return refuse(reply, r.ttlInSeconds ?? 1, 'too many requests from this address; retry later');
    }
    const wait = (await addressBackoff?.waitMs(req.ip, Date.now())) ?? 0;
    if (wait > 0) {
      count('auth_failures');
      return refuse(
        reply,
        wait / 1000,
        'too many failed client authentications from this address; retry later',
      );
    }
  };

  const preHandler: Hook = async (req, reply) => {
    const clientId = claimedClientId(req) ?? null;
    req.s2sClientId = clientId;
    if (clientId === null) return;
    const now = Date.now();
    const wait = (await backoff?.waitMs(`${req.ip} ${clientId}`, now)) ?? 0;
    if (wait > 0) {
      count('auth_failures');
      return refuse(
        reply,
        wait / 1000,
        'too many failed authentications of this client from this address; retry later',
      );
    }
    const full = isToken ? ((await perClient?.waitMs(clientId, now)) ?? 0) : 0;
    if (full > 0) {
      count('token_client');
      return refuse(reply, full / 1000, 'too many token requests for this client; retry later');
    }
  };

  const onResponse: Hook = async (req, reply) => {
    const status = reply.statusCode;
    const clientId = req.s2sClientId;
    const now = Date.now();
    if (status === 401) {
      opts.metrics?.clientAuthFailures.inc();
      await addressBackoff?.fail(req.ip, now);
      if (clientId !== null) await backoff?.fail(`${req.ip} ${clientId}`, now);
    } else if (clientId !== null && status < 300) {
      await backoff?.clear(`${req.ip} ${clientId}`);
      if (isToken) await perClient?.count(clientId, now);
    }
  };

  return { onRequest, preHandler, onResponse };
}
