/**
 * GET /metrics: Prometheus text from prom-client's registry, protected on the main port (or on
 * a separate port without a token); token requests by grant type and result, latency per route,
 * store latency, replay rejections, refresh-reuse detections, signing keys by state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { CounterFamily, HistogramFamily } from '../src/metrics/series.ts';
import { basic, startTestServer, type TestServer } from './harness.ts';
import { sample } from './metrics_helpers.ts';
import { refreshClient } from './refresh_fixtures.ts';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('metrics on the main port', () => {
  let s: TestServer;
  let auth: string;
  let clientId: string;

  before(async () => {
    s = await startTestServer('sqlite', { config: { metricsToken: METRICS_TOKEN } });
    const u = await s.newUser();
    const { app, clientSecret } = await s.newApp({ clientCredentials: { enabled: true, runAs: u.username } });
    clientId = app.clientId;
    auth = basic(app.clientId, clientSecret);
  });
  after(() => s.stop());

  const scrape = async (token = METRICS_TOKEN) => s.get('/metrics', { authorization: `Bearer ${token}` });

  test('need the metrics token or the admin token; 401 with a Bearer challenge otherwise', async () => {
    const none = await s.get('/metrics');
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="s2s-metrics"');
    assert.deepEqual(none.body, { error: 'invalid_token', error_description: 'a metrics token is required' });
    const wrong = await scrape('not-the-metrics-token');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('www-authenticate'), 'Bearer realm="s2s-metrics", error="invalid_token"');
    const ok = await scrape();
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.equal((await scrape(s.adminToken)).status, 200, 'the admin token works too');
    assert.match(ok.text, /^process_cpu_user_seconds_total \d/m, 'prom-client default metrics are there');
  });

  test('token requests are counted by grant type and result, and timed per route', async () => {
    const cc = { grant_type: 'client_credentials' };
    for (let i = 0; i < 3; i++)
      assert.equal((await s.form('/services/oauth2/token', cc, { authorization: auth })).status, 200);
    const bad = await s.form('/services/oauth2/token', cc, { authorization: basic(clientId, 'wrong') });
    assert.equal(bad.status, 401);
    await s.form('/services/oauth2/token', { grant_type: 'password' });
    await s.form('/services/oauth2/token', { grant_type: 'urn:made:up' });
    await s.form('/services/oauth2/token', {});
    const t = (await scrape()).text;
    const tok = (grant_type: string, result: string) =>
      sample(t, 's2s_token_requests_total', { grant_type, result });
    assert.equal(tok('client_credentials', 'success'), 3);
    assert.equal(tok('client_credentials', 'invalid_client'), 1);
    assert.equal(tok('other', 'unsupported_grant_type'), 2, 'unknown grant types share one label value');
    assert.equal(tok('none', 'invalid_request'), 1);
    const route = { route: '/services/oauth2/token', method: 'POST' };
    assert.equal(sample(t, 's2s_http_request_duration_seconds_count', { ...route, status: '200' }), 3);
    assert.equal(sample(t, 's2s_http_request_duration_seconds_count', { ...route, status: '401' }), 1);
    assert.equal(
      sample(t, 's2s_http_request_duration_seconds_bucket', { ...route, status: '200', le: '+Inf' }),
      3,
    );
    assert.equal(sample(t, 's2s_client_auth_failures_total'), 1);
    assert.ok(
      (sample(t, 's2s_store_operation_duration_seconds_count', { operation: 'apps.findByClientId' }) ?? 0) >=
        4,
    );
    assert.ok(
      (sample(t, 's2s_store_operation_duration_seconds_count', { operation: 'audit.record' }) ?? 0) >= 7,
    );
  });

  test('an unmatched path is one series, whatever the path', async () => {
    await s.get('/nope/1');
    await s.get('/nope/2');
    const t = (await scrape()).text;
    assert.equal(
      sample(t, 's2s_http_request_duration_seconds_count', {
        route: 'unmatched',
        method: 'GET',
        status: '404',
      }),
      2,
    );
    assert.doesNotMatch(t, /nope/);
  });

  test('replay rejections and refresh-reuse detections are counted', async () => {
    const before = sample((await scrape()).text, 's2s_replay_rejections_total') ?? 0;
    const exp = s.ctx.now() + 60_000;
    assert.equal(await s.ctx.store.replay.consume('metrics-test-jti', exp, s.ctx.now()), true);
    assert.equal(await s.ctx.store.replay.consume('metrics-test-jti', exp, s.ctx.now()), false);
    const c = await refreshClient(s);
    const { refreshToken } = await c.start();
    assert.equal((await c.refresh(refreshToken)).status, 200);
    assert.equal((await c.refresh(refreshToken)).status, 400, 'the retired token again: reuse');
    const t = (await scrape()).text;
    assert.equal(sample(t, 's2s_replay_rejections_total'), before + 1);
    assert.equal(sample(t, 's2s_refresh_reuse_detections_total'), 1);
    assert.equal(
      sample(t, 's2s_token_requests_total', { grant_type: 'refresh_token', result: 'invalid_grant' }),
      1,
    );
  });

  test('signing keys are reported by state', async () => {
    let t = (await scrape()).text;
    assert.equal(sample(t, 's2s_signing_keys', { state: 'signing' }), 1);
    assert.equal(sample(t, 's2s_signing_keys', { state: 'pending' }), 0);
    assert.equal((await s.admin('POST', '/admin/v1/keys/rotate', {})).status, 201);
    t = (await scrape()).text;
    assert.equal(sample(t, 's2s_signing_keys', { state: 'signing' }), 1);
    assert.equal(sample(t, 's2s_signing_keys', { state: 'pending' }), 1);
  });
});

describe('metrics on a separate port', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite', { config: { metricsPort: 0, metricsHost: '127.0.0.1' } });
  });
  after(() => s.stop());

  test('served there without a token, and not on the main port', async () => {
    assert.match(s.metricsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(s.metricsUrl, s.url);
    await s.get('/healthz');
    const r = await fetch(`${s.metricsUrl}/metrics`);
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.equal(
      sample(text, 's2s_http_request_duration_seconds_count', {
        route: '/healthz',
        method: 'GET',
        status: '200',
      }),
      1,
    );
    assert.equal((await s.get('/metrics', { authorization: `Bearer ${s.adminToken}` })).status, 404);
  });
});

describe('series: allocation-free counters and histograms in the prom-client exposition', () => {
  test('cumulative buckets, sum and count; counters by label set', async () => {
    const r = new Registry();
    const h = new HistogramFamily('t_seconds', 'test', [0.1, 1], r);
    const a = h.with({ op: 'a' });
    for (const v of [0.05, 0.1, 0.5, 3]) a.observe(v);
    const c = new CounterFamily('t_total', 'test', r);
    c.with({ k: 'x' }).inc();
    c.with({ k: 'x' }).inc(2);
    assert.equal(c.with({ k: 'x' }), c.with({ k: 'x' }), 'one series per label set');
    const t = await r.metrics();
    assert.equal(sample(t, 't_seconds_bucket', { op: 'a', le: '0.1' }), 2, 'le is inclusive');
    assert.equal(sample(t, 't_seconds_bucket', { op: 'a', le: '1' }), 3);
    assert.equal(sample(t, 't_seconds_bucket', { op: 'a', le: '+Inf' }), 4);
    assert.equal(sample(t, 't_seconds_count', { op: 'a' }), 4);
    assert.equal(sample(t, 't_seconds_sum', { op: 'a' }), 3.65);
    assert.equal(sample(t, 't_total', { k: 'x' }), 3);
    assert.match(t, /# TYPE t_seconds histogram/);
    assert.match(t, /# TYPE t_total counter/);
  });
});
