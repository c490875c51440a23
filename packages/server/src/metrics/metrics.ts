/**
 * The server's metrics, one Registry per server (docs/operations.md lists them). Every label
 * value comes from a closed set (route patterns, grant types we implement, our error codes,
 * store method names), so the number of series is bounded whatever clients send.
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { KeyRing } from '../keys/key_ring.ts';
import type { KeyState } from '../keys/key_state.ts';
import { grants } from '../oauth/grants/index.ts';
import type { AuditSinkCounters } from '../store/audit_write_behind.ts';
import { auditCounters } from './audit_metrics.ts';
import {
  CounterFamily,
  type CounterSeries,
  HistogramFamily,
  type HistogramSeries,
  LATENCY_BUCKETS,
} from './series.ts';

export type LimitName = 'token_address' | 'token_client' | 'auth_failures' | 'login_address';

const KEY_STATES: KeyState[] = ['signing', 'pending', 'published', 'retired'];

export class Metrics {
  readonly registry = new Registry();
  private readonly http = new HistogramFamily(
    's2s_http_request_duration_seconds',
    'Time to answer an HTTP request, by route pattern, method and status',
    LATENCY_BUCKETS,
    this.registry,
  );
  private readonly tokens = new CounterFamily(
    's2s_token_requests_total',
    'Token endpoint requests by grant type and result (success or the OAuth error code)',
    this.registry,
  );
  private readonly store = new HistogramFamily(
    's2s_store_operation_duration_seconds',
    'Time of each store operation (database round trip included), by operation',
    LATENCY_BUCKETS,
    this.registry,
  );
  private readonly storeErrors = new CounterFamily(
    's2s_store_errors_total',
    'Store operations that failed, by kind (unavailable: the database could not be reached)',
    this.registry,
  );
  private readonly limited = new CounterFamily(
    's2s_rate_limited_total',
    'Requests refused with 429, by limit',
    this.registry,
  );
  readonly replayRejections: CounterSeries = new CounterFamily(
    's2s_replay_rejections_total',
    'Assertions or client assertions refused because their id (jti, SAML ID) was already used',
    this.registry,
  ).with({});
  readonly refreshReuse: CounterSeries = new CounterFamily(
    's2s_refresh_reuse_detections_total',
    'Retired refresh tokens presented again: each revoked its family (RFC 9700 §4.14.2)',
    this.registry,
  ).with({});
  readonly clientAuthFailures: CounterSeries = new CounterFamily(
    's2s_client_auth_failures_total',
    'Requests answered 401 invalid_client on the token, revoke and introspect endpoints',
    this.registry,
  ).with({});

  /** The audit write-behind buffer (store/audit_write_behind.ts). */
  readonly audit: AuditSinkCounters = auditCounters(this.registry);

  private readonly byRoute = new Map<string, Map<string, HistogramSeries[]>>();
  private readonly byGrant = new Map<string, Map<string, CounterSeries>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Reports the signing keys by state at each scrape. */
  watchKeys(keys: KeyRing): void {
    new Gauge({
      name: 's2s_signing_keys',
      help: 'Server signing keys by state (signing; pending: published before it signs; published; retired)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const n = new Map<string, number>(KEY_STATES.map((s) => [s, 0]));
        for (const k of keys.list()) n.set(k.state, (n.get(k.state) ?? 0) + 1);
        for (const [state, v] of n) this.set({ state }, v);
      },
    });
  }

  /** Reports the audit events waiting to be written at each scrape. */
  watchAuditBuffer(buffered: () => number): void {
    new Gauge({
      name: 's2s_audit_buffered_events',
      help: 'Audit events recorded and not yet written to the database (write-behind buffer)',
      registers: [this.registry],
      collect() {
        this.set(buffered());
      },
    });
  }

  /** The latency series of a route pattern (`unmatched` for 404s), method and status. */
  httpSeries(route: string, method: string, status: number): HistogramSeries {
    let methods = this.byRoute.get(route);
    if (!methods) {
      methods = new Map();
      this.byRoute.set(route, methods);
    }
    let statuses = methods.get(method);
    if (!statuses) {
      statuses = [];
      methods.set(method, statuses);
    }
    let s = statuses[status];
    if (!s) {
      s = this.http.with({ route, method, status: String(status) });
      statuses[status] = s;
    }
    return s;
  }

  /** Counts one token request; `result` is `success` or the OAuth error code. */
  tokenRequest(grantType: string | null, result: string): void {
    const g = grantType === null ? 'none' : grants.has(grantType) ? grantType : 'other';
    let results = this.byGrant.get(g);
    if (!results) {
      results = new Map();
      this.byGrant.set(g, results);
    }
    let s = results.get(result);
    if (!s) {
      s = this.tokens.with({ grant_type: g, result });
      results.set(result, s);
    }
    s.inc();
  }

  storeSeries(operation: string): HistogramSeries {
    return this.store.with({ operation });
  }

  storeError(unavailable: boolean): void {
    this.storeErrors.with({ kind: unavailable ? 'unavailable' : 'other' }).inc();
  }

  rateLimited(limit: LimitName): void {
    this.limited.with({ limit }).inc();
  }

  /** The Prometheus text exposition. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
