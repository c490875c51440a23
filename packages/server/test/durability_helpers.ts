/**
 * Real `s2s serve` processes for the operations tests (durability, shutdown, config, TLS):
 * spawn, wait for the "listening on" line, stop with SIGTERM or kill with SIGKILL — by pid,
 * only the processes started here — and small HTTP helpers aimed at 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { PG_ADMIN_URL } from './harness.ts';

export const S2S_BIN = fileURLToPath(new URL('../../cli/bin/s2s.mjs', import.meta.url));

export interface Served {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM, then wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9), then wait for the exit. */
  kill(): Promise<void>;
}

export interface ServeOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Resolve when the process exits instead of when it listens (for refused starts). */
  expectExit?: boolean;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

export function runServe(
  args: string[],
  opts: ServeOptions & { expectExit: true },
): Promise<{ code: number | null; output(): string }>;
export function runServe(args: string[], opts?: ServeOptions): Promise<Served>;
export function runServe(args: string[], opts: ServeOptions = {}): Promise<unknown> {
  const child = spawn(process.execPath, [S2S_BIN, 'serve', ...args], {
    cwd: opts.cwd,
    env: { ...process.env, S2S_LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const output = () => out;
  if (opts.expectExit) return exited(child).then((code) => ({ code, output }));
  return new Promise<Served>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`s2s serve did not start:\n${out}`));
    }, opts.timeoutMs ?? 30_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`s2s serve exited with ${code}:\n${out}`));
    };
    child.once('exit', onExit);
    const check = () => {
      const m = /listening on (\S+)/.exec(out);
      if (!m) return;
      child.stderr!.off('data', check);
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        child,
        url: m[1]!,
        output,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited(child);
        },
        async kill() {
          if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
            process.kill(child.pid, 'SIGKILL');
          }
          await exited(child);
        },
      });
    };
    child.stderr!.on('data', check);
  });
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One form POST on a fresh connection (no keep-alive), so a request either reaches the server
 * whole or fails to connect. Rejects with the socket error (ECONNREFUSED, ECONNRESET …).
 */
export function postForm(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const body = new URLSearchParams(params).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
          ...headers,
        },
        timeout: 15_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` returns a value other than undefined, at most `ms`. */
export async function until<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A read query straight against the database of a URL (checks below the store interfaces). */
export async function rawQuery<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  if (url.startsWith('sqlite:')) {
    const db = new SQLite(url.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(text.replace(/\$\d+/g, '?')).all(...params) as T[];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Removes a test database made by harness.freshDatabase (its SQLite directory, or the PostgreSQL database). */
export async function dropDatabase(url: string): Promise<void> {
  if (url.startsWith('sqlite:')) {
    rmSync(dirname(url.slice('sqlite:'.length)), { recursive: true, force: true });
    return;
  }
  const name = new URL(url).pathname.slice(1);
  if (!/^s2s_t_\w+$/.test(name)) throw new Error(`not a test database: ${name}`);
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}
