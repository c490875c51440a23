/**
 * SQLite WAL checkpoints in a thread of their own. In WAL mode with `synchronous = NORMAL` a
 * commit only appends to the WAL; every 1 000 pages the committing connection copies the WAL
 * into the database file and fsyncs both (the auto-checkpoint) — on the main thread, because
 * better-sqlite3 is synchronous, with the event loop stopped meanwhile. With 10^6 access tokens
 * the token-id and token-hash indexes are ~30 000 pages, each insert dirties two random ones,
 * and that fsync writes back ~1 000 scattered pages. Measured (bench/measure_token_inserts.ts,
 * 50 inserts per turn, docs/storage.md): event-loop time per insert ~360 µs at 10^6 tokens and
 * ~235 on a small store; ~280 and ~170 with this thread. Here a worker thread with its own
 * connection runs a PASSIVE checkpoint every INTERVAL_MS, so the I/O waits leave the event
 * loop; durability is unchanged (the same fsyncs, by another thread).
 *
 * - It starts after START_AFTER commits, so the many short-lived stores of tests and CLI commands
 *   never start a thread.
 * - The main connection keeps an auto-checkpoint at BACKSTOP pages: SQLite restarts the WAL
 *   from its beginning only when a checkpoint has copied all of it before the next write, which
 *   under steady load the thread rarely achieves; the main connection's checkpoint then finds
 *   almost everything copied already. If the thread fails, the default (1 000) comes back.
 * - Passive checkpoints never wait for, nor block, readers and writers (other processes
 *   included, `s2s serve --workers N`; one checkpoint runs at a time, the others skip a turn).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

const START_AFTER = 500;
const INTERVAL_MS = 50;
const BACKSTOP = 4000;
const DEFAULT_AUTOCHECKPOINT = 1000;

export class Checkpointer {
  private commits = 0;
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly path: string,
  ) {}

  /**
   * Told of every COMMIT that wrote (group commit, single write, Kysely transaction), before the
   * writers are answered: it must not throw. A thread that cannot start leaves SQLite's own
   * auto-checkpoint in charge, as before.
   */
  committed(): void {
    if (this.worker || this.stopped || ++this.commits < START_AFTER) return;
    try {
      this.start();
    } catch {
      this.stopped = true;
    }
  }

  private start(): void {
    const worker = new Worker(new URL('./sqlite_checkpoint_worker.mjs', import.meta.url), {
      workerData: {
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
        path: this.path,
        intervalMs: INTERVAL_MS,
      },
    });
    this.worker = worker;
    worker.unref();
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('error', () => {
      // Cannot open the file, or an I/O error: checkpoint on the main connection, as SQLite does.
      try {
        if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
      } catch {
        /* closing */
      }
    });
    this.db.pragma(`wal_autocheckpoint = ${BACKSTOP}`);
  }

  /** Ends the thread (its connection closed) before the main connection closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    // Unreferenced, the thread would not keep the event loop alive until it has closed.
    this.worker?.ref();
    this.worker?.postMessage('stop');
    await this.exited;
  }
}
