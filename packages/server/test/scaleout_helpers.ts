/**
 * Helpers of the scale-out and cluster tests: real `s2s serve` processes (the CLI binary) on one
 * database, found by a fixed loopback port, driven over HTTP; their worker processes from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type HttpResult, toResult } from './harness.ts';

export const S2S_BIN = fileURLToPath(new URL('../../cli/bin/s2s.mjs', import.meta.url));
export const ADMIN = 'scaleout-admin-token-0123456789';
export const TOKEN_PATH = '/services/oauth2/token';

export interface Serve {
  child: ChildProcess;
  /** Where this process listens (http://127.0.0.1:PORT). */
  base: string;
  output(): string;
  /** SIGTERM and wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  form(path: string, params: Record<string, string>, headers?: Record<string, string>): Promise<HttpResult>;
  get(path: string, headers?: Record<string, string>): Promise<HttpResult>;
  admin(method: string, path: string, body?: unknown): Promise<HttpResult>;
}

/** A port free on loopback now (the server binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Starts `s2s serve` on a fixed port and resolves when `ready` appears in its output. */
export async function serve(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; ready?: RegExp; timeoutMs?: number } = {},
): Promise<Serve> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      S2S_BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--no-demo',
      '--log-level',
      'warn',
      ...args,
    ],
    {
      env: { ...process.env, S2S_ADMIN_TOKEN: ADMIN, NODE_ENV: 'test', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = opts.ready ?? /listening on/;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`s2s serve did not start:\n${out}`));
    }, opts.timeoutMs ?? 60_000);
    const check = () => {
      if (!ready.test(out)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`s2s serve exited with ${code}:\n${out}`));
    });
  });
  const request = async (method: string, path: string, headers: Record<string, string>, body?: string) =>
    toResult(await fetch(base + path, { method, headers, body }));
  return {
    child,
    base,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    form: (path, params, headers = {}) =>
      request(
        'POST',
        path,
        { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        new URLSearchParams(params).toString(),
      ),
    get: (path, headers = {}) => request('GET', path, headers),
    admin: (method, path, body) =>
      request(
        method,
        path,
        {
          authorization: `Bearer ${ADMIN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body === undefined ? undefined : JSON.stringify(body),
      ),
  };
}

/** Node processes whose parent is `pid` (a cluster primary's workers). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (Number(after[1]) === pid && comm === 'node') out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** CPU time used so far by a process, in clock ticks (utime + stime). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** Polls `check` until it is true or `ms` pass; returns whether it became true. */
export async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
