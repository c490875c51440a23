// The body of the SQLite checkpointer thread (sqlite_checkpointer.ts has why). Plain JavaScript:
// a worker thread does not inherit the tsx loader that `s2s` registers in the main thread.
// workerData: { module: resolved path of better-sqlite3, path: the database file, intervalMs }.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const Database = createRequire(import.meta.url)(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
// PASSIVE never waits on the busy handler; a checkpoint another connection is running makes this
// one report busy and end at once, and the next tick tries again.
db.pragma('busy_timeout = 0');
const checkpoint = db.prepare('pragma wal_checkpoint(passive)');

let timer;
const tick = () => {
  try {
    // Copies the committed WAL frames into the database file and fsyncs it (synchronous=NORMAL:
    // the only fsyncs in WAL mode), off the main thread's event loop.
    checkpoint.get();
  } catch {
    // SQLITE_BUSY or a transient I/O error: the main connection's own auto-checkpoint remains.
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);

parentPort.on('message', (msg) => {
  if (msg !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
