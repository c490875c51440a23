/**
 * `npm run bench`: the performance bench (docs/performance.md). Not part of `npm test`.
 *
 * One contender at a time on the same machine, with the same load generator (autocannon, 50
 * connections, BENCH_WARMUP s warm-up then BENCH_SECONDS s measured per run): the ceiling
 * (bench/servers/ceiling.mjs), node-oidc-provider (bench/servers/oidc.mjs), then s2s-oauth on
 * SQLite and on PostgreSQL (one process each, `s2s serve --workers 1`), and finally each s2s
 * store again holding 10^6 access tokens. Loopback only. Writes bench/results/results.{json,md,svg}.
 *
 * Environment: BENCH_WARMUP (3), BENCH_SECONDS (10), BENCH_BIG_STORE (1000000; 0 skips it),
 * BENCH_ONLY (comma-separated scenario ids), BENCH_CONTENDERS (comma-separated: ceiling, oidc-provider,
 * s2s-sqlite, s2s-postgres; all by default), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_PROFILE (a directory: s2s runs under --cpu-prof; summarise with bench/profsum.mjs).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateSelfSigned } from '../packages/server/src/keys/x509.ts';
import { API_VERSION } from '../packages/server/src/resource/versions.ts';
import { signAssertions } from './lib/assertions.ts';
import { bulkTokens } from './lib/bulk_tokens.ts';
import { type LoadSpec, type Meter, runLoad } from './lib/load.ts';
import { PINNING, pinSelf, type ServerProc, startProc } from './lib/procs.ts';
import { type Contender, markdown, type RunRecord, svg, targets } from './lib/report.ts';
import { CLIENT, RUN_AS, setupS2s } from './lib/s2s_setup.ts';
import {
  clientCredentials,
  fetchToken,
  jwtBearer,
  protectedApi,
  refreshRotation,
  SCENARIOS,
  type ScenarioId,
} from './lib/scenarios.ts';

const env = process.env;
const WARMUP = Number(env.BENCH_WARMUP ?? 3);
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const BIG_STORE = Number(env.BENCH_BIG_STORE ?? 1_000_000);
const ONLY = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',')) : null;
const CONTENDERS = env.BENCH_CONTENDERS ? new Set(env.BENCH_CONTENDERS.split(',')) : null;
const runs_ = (c: Contender) => !CONTENDERS || CONTENDERS.has(c);
const PG_URL = env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONNECTIONS = 50;
const AUDIENCE = 'https://bench.s2s.local';
const FAMILIES = 200;
const ASSERTIONS = Number(env.BENCH_ASSERTIONS ?? 90_000);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const S2S_BIN = join(ROOT, 'packages/cli/bin/s2s.mjs');
const PORT = { ceiling: 18101, oidc: 18102, s2s: 18103 };

const runs: RunRecord[] = [];
const wanted = (s: ScenarioId) => !ONLY || ONLY.has(s);
const say = (m: string) => process.stdout.write(`${m}\n`);
const load1 = () => Number(loadavg()[0]!.toFixed(2));

interface Endpoints {
  tokenUrl: string;
  apiUrl: string;
  secrets: Record<string, string>;
  refreshTokens: string[];
}

async function measure(
  contender: Contender,
  scenario: ScenarioId,
  spec: LoadSpec,
  meter: Meter,
): Promise<void> {
  if (WARMUP > 0) await runLoad(spec, WARMUP, undefined, CONNECTIONS);
  const load = load1();
  const r = await runLoad(spec, SECONDS, meter, CONNECTIONS);
  runs.push({ ...r, scenario, contender, load1: load });
  say(
    `  ${scenario.padEnd(15)} ${contender.padEnd(14)} ${Math.round(r.rps).toString().padStart(6)} req/s  ` +
      `p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  cpu ${Math.round(r.cpuUsPerReq ?? 0)} µs/req` +
      `${r.dbCpuUsPerReq === null ? '' : ` (+db ${Math.round(r.dbCpuUsPerReq)})`}  load ${load}` +
      `${r.failed + r.errors > 0 ? `  FAILED ${r.failed}+${r.errors}: ${r.firstFailure ?? ''}` : ''}`,
  );
}

async function scenarios(
  contender: Contender,
  e: Endpoints,
  list: ScenarioId[],
  meter: Meter,
  assertions: string[],
): Promise<void> {
  for (const s of list.filter(wanted)) {
    const secret = (id: string) => e.secrets[id]!;
    const base = s.replace(/^(big|pair)-/, '') as ScenarioId;
    let spec: LoadSpec;
    if (base === 'cc-opaque') spec = clientCredentials(e.tokenUrl, CLIENT.ccOpaque, secret(CLIENT.ccOpaque));
    else if (base === 'cc-jwt') spec = clientCredentials(e.tokenUrl, CLIENT.ccJwt, secret(CLIENT.ccJwt));
    else if (base === 'jwt-bearer') spec = jwtBearer(e.tokenUrl, assertions);
    else if (base === 'refresh') {
      spec = refreshRotation(e.tokenUrl, CLIENT.refresh, secret(CLIENT.refresh), [...e.refreshTokens]);
    } else {
      const id = base === 'api-jwt' ? CLIENT.ccJwt : CLIENT.ccOpaque;
      spec = protectedApi(e.apiUrl, await fetchToken(e.tokenUrl, id, secret(id)));
    }
    await measure(contender, s, spec, meter);
  }
}

async function runCeiling(assertions: string[], keyPem: string): Promise<void> {
  const secrets = Object.fromEntries(
    Object.values(CLIENT).map((id) => [id, randomBytes(32).toString('base64url')]),
  );
  const refreshTokens = Array.from(
    { length: FAMILIES },
    () => `5Aep861${randomBytes(32).toString('base64url')}`,
  );
  const config = {
    port: PORT.ceiling,
    audience: AUDIENCE,
    clients: {
      [CLIENT.ccOpaque]: { secret: secrets[CLIENT.ccOpaque], format: 'opaque' },
      [CLIENT.ccJwt]: { secret: secrets[CLIENT.ccJwt], format: 'jwt' },
      [CLIENT.refresh]: { secret: secrets[CLIENT.refresh], format: 'jwt' },
      [CLIENT.jwtBearer]: { assertionKeyPem: keyPem },
    },
    refreshTokens,
  };
  const p = await startProc(
    'ceiling',
    [join(ROOT, 'bench/servers/ceiling.mjs')],
    { BENCH_CEILING: JSON.stringify(config) },
    /listening on/,
  );
  try {
    const base = `http://127.0.0.1:${PORT.ceiling}`;
    await scenarios(
      'ceiling',
      { tokenUrl: `${base}/token`, apiUrl: `${base}/resource`, secrets, refreshTokens },
      ['cc-opaque', 'cc-jwt', 'jwt-bearer', 'refresh', 'api-jwt', 'api-opaque'],
      { server: () => [p.pid] },
      assertions,
    );
  } finally {
    await p.stop();
  }
}

async function runOidc(): Promise<void> {
  for (const [format, scenario] of [
    ['opaque', 'cc-opaque'],
    ['jwt', 'cc-jwt'],
  ] as const) {
    if (!wanted(scenario)) continue;
    const id = scenario === 'cc-opaque' ? CLIENT.ccOpaque : CLIENT.ccJwt;
    const secret = randomBytes(32).toString('base64url');
    const config = { port: PORT.oidc, format, clientId: id, clientSecret: secret };
    const p = await startProc(
      'oidc-provider',
      [join(ROOT, 'bench/servers/oidc.mjs')],
      { BENCH_OIDC: JSON.stringify(config) },
      /listening on/,
    );
    try {
      const base = `http://127.0.0.1:${PORT.oidc}`;
      const e = { tokenUrl: `${base}/token`, apiUrl: '', secrets: { [id]: secret }, refreshTokens: [] };
      await scenarios('oidc-provider', e, [scenario], { server: () => [p.pid] }, []);
    } finally {
      await p.stop();
    }
  }
}

async function database(
  kind: 'sqlite' | 'postgres',
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 's2s-bench-'));
    return {
      url: `sqlite:${join(dir, 's2s.db')}`,
      name: '',
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `s2s_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      return await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: async () => void (await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function backendPids(dbName: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    const r = await c.query('select pid from pg_stat_activity where datname = $1', [dbName]);
    return r.rows.map((x: { pid: number }) => x.pid);
  } finally {
    await c.end();
  }
}

function startS2s(contender: Contender, url: string): Promise<ServerProc> {
  // BENCH_PROFILE=DIR: each s2s process writes a V8 CPU profile there (bench/profsum.mjs reads it).
  const prof = env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE}/${contender}`] : [];
  const args = [
    ...prof,
    S2S_BIN,
    'serve',
    '--port',
    String(PORT.s2s),
    '--host',
    '127.0.0.1',
    '--db',
    url,
    '--no-demo',
  ];
  args.push('--log-level', 'warn', '--admin-token', randomBytes(24).toString('base64url'));
  return startProc(
    contender,
    args,
    {
      S2S_WORKERS: '1',
      S2S_ACCEPTED_AUDIENCES: AUDIENCE,
      // The bench measures throughput, not the abuse limits (docs/performance.md).
      S2S_TOKEN_RATE_LIMIT_CLIENT: '0',
      S2S_TOKEN_RATE_LIMIT_ADDRESS: '0',
    },
    /listening on/,
  );
}

/** A fresh database set up for the bench, the endpoints to reach s2s on it, and a way to run scenarios. */
async function s2sOn(kind: 'sqlite' | 'postgres', certPem: string) {
  const contender: Contender = kind === 'sqlite' ? 's2s-sqlite' : 's2s-postgres';
  const db = await database(kind);
  const setup = await setupS2s(db.url, { assertionCertPem: certPem, families: FAMILIES });
  const base = `http://127.0.0.1:${PORT.s2s}`;
  const e = {
    tokenUrl: `${base}/services/oauth2/token`,
    apiUrl: `${base}/services/data/v${API_VERSION}/`,
    secrets: setup.secrets,
    refreshTokens: setup.refreshTokens,
  };
  const run = async (list: ScenarioId[], assertions: string[] = []) => {
    const p = await startS2s(contender, db.url);
    const meter: Meter = {
      server: () => [p.pid],
      ...(kind === 'postgres' ? { db: () => backendPids(db.name) } : {}),
    };
    try {
      await scenarios(contender, e, list, meter, assertions);
    } finally {
      await p.stop();
    }
  };
  return { contender, db, run };
}

async function runS2s(kind: 'sqlite' | 'postgres', assertions: string[], certPem: string): Promise<void> {
  const main = await s2sOn(kind, certPem);
  try {
    await main.run(['cc-opaque', 'cc-jwt', 'jwt-bearer', 'refresh', 'api-jwt', 'api-opaque'], assertions);
  } finally {
    await main.db.drop();
  }
  if (BIG_STORE === 0 || !(wanted('big-cc-opaque') || wanted('big-api-opaque'))) return;
  // The 10^6-token store against an empty one measured right beside it (same minutes, same
  // machine load): one scenario on the empty store, then on the big one, then the next.
  const empty = await s2sOn(kind, certPem);
  const big = await s2sOn(kind, certPem);
  try {
    say(`  (${main.contender}: inserting ${BIG_STORE.toLocaleString('en')} access tokens …)`);
    const secs = await bulkTokens(big.db.url, BIG_STORE, { clientId: CLIENT.ccOpaque });
    say(`  (${Math.round(secs)} s)`);
    for (const s of ['cc-opaque', 'api-opaque'] as const) {
      await empty.run([`pair-${s}`]);
      await big.run([`big-${s}`]);
    }
  } finally {
    await Promise.all([empty.db.drop(), big.db.drop()]);
  }
}

async function main(): Promise<void> {
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    pinning: PINNING,
    connections: CONNECTIONS,
    warmup: WARMUP,
    seconds: SECONDS,
    loadStart: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    loadEnd: '',
    scenarios: SCENARIOS,
  };
  say(`s2s-oauth bench — load average at start: ${meta.loadStart} (1, 5, 15 min) on ${meta.cpus} CPUs`);
  say('Other work on this machine makes figures noisy: compare within one run (ratios), not across runs.');
  const pair = await generateSelfSigned({ cn: 'bench jwt-bearer client', days: 2 });
  const assertions = wanted('jwt-bearer')
    ? await signAssertions(
        { keyPem: pair.privateKeyPem, iss: CLIENT.jwtBearer, sub: RUN_AS, aud: AUDIENCE, lifetime: 3300 },
        ASSERTIONS,
      )
    : [];
  const publicPem = (await import('node:crypto'))
    .createPublicKey(pair.privateKeyPem)
    .export({ type: 'spki', format: 'pem' })
    .toString();
  pinSelf();
  if (runs_('ceiling')) {
    say('ceiling (node:http, no framework, no database):');
    await runCeiling(assertions, publicPem);
  }
  if (runs_('oidc-provider')) {
    say('oidc-provider 9 (in-memory adapter):');
    await runOidc();
  }
  if (runs_('s2s-sqlite')) {
    say('s2s-oauth, SQLite:');
    await runS2s('sqlite', assertions, pair.certificatePem);
  }
  if (runs_('s2s-postgres')) {
    say('s2s-oauth, PostgreSQL:');
    await runS2s('postgres', assertions, pair.certificatePem);
  }
  meta.loadEnd = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const md = markdown(meta, runs);
  writeFileSync(
    join(dir, 'results.json'),
    `${JSON.stringify({ meta, runs, targets: targets(runs) }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'results.md'), md);
  writeFileSync(
    join(dir, 'results.svg'),
    svg(runs, `s2s-oauth bench ${meta.date.slice(0, 16)} (load ${meta.loadStart})`),
  );
  say(`\n${md}`);
  say('written: bench/results/results.json, results.md, results.svg');
}

await main();
