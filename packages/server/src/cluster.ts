/**
 * `s2s serve --workers N`: N processes on one port (node:cluster), so one machine uses all its
 * cores. Every worker is a whole server on the same database; what must hold across them
 * (single use, keys, admin changes) is decided in the database (docs/operations.md, scale-out).
 *
 * The primary serves nothing. It starts worker 1 alone — so first-start work (migrations,
 * admin token, demo) happens once and its banner is printed once — then the others, passes
 * cache-invalidation messages between them, replaces a worker that dies (giving up after
 * repeated crashes), and on SIGTERM/SIGINT asks every worker to stop and exits when they have.
 *
 * SQLite: several workers share the file safely — WAL lets readers and one writer work at
 * once, busy_timeout makes a writer wait for the lock instead of failing, and write
 * transactions begin IMMEDIATE (store/open.ts) so none fails on upgrading a read lock
 * (test/cluster.test.ts). An in-memory database cannot be shared and is refused.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
import { ConfigError, type ServerConfig } from './config/index.ts';
import { CLUSTER_CACHE_MESSAGE } from './store/cache_bus.ts';

export const MAX_WORKERS = 256;
/** Printed by the primary once every worker listens (tests and scripts wait for it). */
export const READY_LINE = 'workers ready';

/** The number of workers: 0 (the default) means one per core in production, else 1. */
export function resolveWorkers(configured: number, env: NodeJS.ProcessEnv = process.env): number {
  if (configured > 0) return Math.min(configured, MAX_WORKERS);
  return env.NODE_ENV === 'production' ? availableParallelism() : 1;
}

/** Why these workers cannot share this database, or undefined when they can. */
export function workersRefusal(databaseUrl: string, workers: number): string | undefined {
  if (workers <= 1) return undefined;
  if (/^sqlite:(\/\/)?:memory:$/.test(databaseUrl) || /mode=memory/.test(databaseUrl)) {
    return `--workers ${workers} needs a database the workers can share; an in-memory SQLite database is private to each process (use a file, or --workers 1)`;
  }
  return undefined;
}

/** Where the start-up banner goes: standard error for a lone server and worker 1, nowhere for the others. */
export function bannerOutput(): NodeJS.WritableStream {
  if (!cluster.isWorker || cluster.worker?.id === 1) return process.stderr;
  return new Writable({ write: (_chunk, _enc, done) => done() });
}

/**
 * `s2s serve` calls this first. With more than one worker, this process becomes the primary:
 * it supervises the workers and exits with them (the promise never settles). Otherwise (one
 * worker, or this is a worker) it returns and the caller serves.
 */
export async function serveWorkersIfAsked(config: ServerConfig): Promise<void> {
  if (cluster.isWorker) return;
  const workers = resolveWorkers(config.workers);
  if (workers <= 1) return;
  const refusal = workersRefusal(config.databaseUrl, workers);
  if (refusal) throw new ConfigError(refusal);
  const code = await runPrimary({ workers, stopTimeoutMs: config.shutdownTimeoutSeconds * 1000 });
  process.exit(code);
}

export interface PrimaryOptions {
  workers: number;
  /** How long workers get to stop on SIGTERM before they are killed, ms. */
  stopTimeoutMs: number;
  out?: NodeJS.WritableStream;
}

/** Runs the primary until it is told to stop; resolves with the exit code to use. */
export function runPrimary(opts: PrimaryOptions): Promise<number> {
  const out = opts.out ?? process.stderr;
  const say = (m: string) => out.write(`s2s-oauth: ${m}\n`);
  const crashes: number[] = [];
  let stopping = false;
  let ready = false;

  return new Promise<number>((resolve) => {
    const finish = (code: number) => {
      const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      if (live.length === 0) return resolve(code);
      const kill = setTimeout(() => {
        for (const w of live) w.process.kill('SIGKILL');
      }, opts.stopTimeoutMs + 2000);
      kill.unref();
      // Our own count: cluster.workers forgets a worker once it disconnects, before it exits.
      const pending = new Set(live);
      cluster.on('exit', (w) => {
        pending.delete(w);
        if (pending.size === 0) resolve(code);
      });
      // A disconnect (not a signal): a worker that got the terminal's SIGINT too is draining
      // already, and a second signal would make it exit without waiting (serve.ts).
      for (const w of live) w.disconnect();
    };
    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      finish(code);
    };
    process.once('SIGTERM', () => stop(0));
    process.once('SIGINT', () => stop(0));

    cluster.on('message', (from, m: unknown) => {
      if ((m as { type?: unknown })?.type !== CLUSTER_CACHE_MESSAGE) return;
      for (const w of Object.values(cluster.workers ?? {}))
        if (w && w !== from && !w.isDead()) w.send({ type: CLUSTER_CACHE_MESSAGE });
    });

    cluster.on('exit', (w, code, signal) => {
      if (stopping) return;
      if (!ready) {
        // A worker that cannot start (bad configuration, database away): the others would not either.
        say(`worker ${w.id} exited during start (${signal ?? code}); stopping`);
        return stop(1);
      }
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && crashes[0]! < now - 60_000) crashes.shift();
      if (crashes.length > 5) {
        say('workers keep exiting (more than 5 in a minute); stopping');
        return stop(1);
      }
      say(`worker ${w.id} exited (${signal ?? code}); starting another`);
      setTimeout(() => !stopping && cluster.fork(), 1000).unref();
    });

    const first = cluster.fork();
    first.once('listening', () => {
      let waiting = opts.workers - 1;
      const allUp = () => {
        ready = true;
        say(`${opts.workers} ${READY_LINE}`);
      };
      if (waiting === 0) return allUp();
      for (let i = 1; i < opts.workers; i++) {
        cluster.fork().once('listening', () => {
          if (--waiting === 0) allUp();
        });
      }
    });
  });
}

/** In a worker: stop and exit when the primary disconnects it (its shutdown) or goes away. */
export function followPrimary(stop: () => Promise<void>): void {
  if (!cluster.isWorker) return;
  process.once('disconnect', () => {
    void stop().finally(() => process.exit(0));
  });
}
