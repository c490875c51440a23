/**
 * One load run: autocannon (keep-alive, pipelining 1) against a URL for a bounded time, with
 * exact per-response latencies (autocannon's own histogram has 1 ms resolution) and the
 * server's CPU time over the run, from /proc (utime + stime of every thread).
 */
import { readFileSync } from 'node:fs';
import autocannon, { type Request } from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Per-request setup (a fresh assertion, the current refresh token). */
  setup?: (req: Request) => Request | undefined;
  onResponse?: (status: number, body: string) => void;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  errors: number;
  seconds: number;
  /** Server CPU per successful request, µs (null when not measured). */
  cpuUsPerReq: number | null;
  /** Database server CPU per successful request, µs (PostgreSQL backends). */
  dbCpuUsPerReq: number | null;
  /** First failing status and body, to tell what went wrong. */
  firstFailure?: string;
}

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

/** CPU time of processes, µs (utime + stime from /proc/<pid>/stat); 0 for a process gone. */
export function cpuUs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* exited */
    }
  }
  return ticks * TICK_US;
}

export interface Meter {
  server: () => number[];
  db?: () => Promise<number[]>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(
  spec: LoadSpec,
  seconds: number,
  meter?: Meter,
  connections = 50,
): Promise<LoadResult> {
  const u = new URL(spec.url);
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const request: Request = {
    method: spec.method,
    path: u.pathname + u.search,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.setup ? { setupRequest: (req: Request) => spec.setup!(req) } : {}),
    onResponse: (status: number, body: string) => {
      if (status < 200 || status > 299) {
        failed++;
        firstFailure ??= `${status} ${String(body).slice(0, 300)}`;
      } else ok++;
      spec.onResponse?.(status, body);
    },
  };
  const serverPids = meter?.server() ?? [];
  const dbPids = (await meter?.db?.()) ?? [];
  const cpu0 = cpuUs(serverPids);
  const db0 = cpuUs(dbPids);
  const t0 = performance.now();
  const result = await new Promise<{ errors: number }>((resolve, reject) => {
    const inst = autocannon(
      { url: u.origin, connections, pipelining: 1, duration: seconds, requests: [request] },
      (err, r) => (err ? reject(err) : resolve({ errors: r.errors + r.timeouts })),
    );
    inst.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
      latencies.push(ms),
    );
  });
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuUs(serverPids) - cpu0;
  const db = cpuUs(dbPids) - db0;
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: ok / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ok,
    failed,
    errors: result.errors,
    seconds: elapsed,
    cpuUsPerReq: serverPids.length && ok ? cpu / ok : null,
    dbCpuUsPerReq: dbPids.length && ok ? db / ok : null,
    ...(firstFailure ? { firstFailure } : {}),
  };
}
