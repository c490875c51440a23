/**
 * A token store in a directory, shared by every process that points at it: one
 * JSON file per key (mode 0600, directory 0700), guarded by an OS-level lock
 * (proper-lockfile: an atomically created `<file>.lock` directory whose mtime
 * the holder keeps fresh; a holder that dies leaves it stale, and after
 * `staleMs` the next process takes over). Writes go to a temporary file that is
 * fsynced and renamed over the old one, so a crash leaves the old state or the
 * new, never half of either.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { TokenStoreError } from '../errors.ts';
import { SAFE_KEY, type TokenState, type TokenStore, type UpdateResult } from './types.ts';

export interface FileTokenStoreOptions {
  /** The directory (created 0700 if missing). */
  dir: string;
  /** A lock older than this is a dead holder's (default 10000 ms; at least 2000). */
  staleMs?: number;
  /** How long to wait for the lock before failing (default 60000 ms). */
  lockWaitMs?: number;
}

const FORMAT = 1;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class FileTokenStore implements TokenStore {
  private readonly dir: string;
  private readonly staleMs: number;
  private readonly lockWaitMs: number;

  constructor(opts: FileTokenStoreOptions) {
    this.dir = opts.dir;
    this.staleMs = Math.max(2000, opts.staleMs ?? 10_000);
    this.lockWaitMs = opts.lockWaitMs ?? 60_000;
  }

  /** The file that holds a key's state. */
  pathFor(key: string): string {
    const name = SAFE_KEY.test(key) ? key : `k-${createHash('sha256').update(key).digest('hex')}`;
    return join(this.dir, `${name}.json`);
  }

  async read(key: string): Promise<TokenState | undefined> {
    const path = this.pathFor(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new TokenStoreError(key, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    try {
      const doc = JSON.parse(text) as { format?: number; state?: TokenState };
      if (doc.format !== FORMAT || typeof doc.state !== 'object' || doc.state === null)
        throw new Error('format');
      return doc.state;
    } catch (err) {
      throw new TokenStoreError(key, `${path} is not a token state file`, { cause: err });
    }
  }

  async update<T>(key: string, fn: (state: TokenState | undefined) => Promise<UpdateResult<T>>): Promise<T> {
    const path = this.pathFor(key);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    let compromised: Error | undefined;
    const release = await this.lock(key, path, (err) => {
      compromised = err;
    });
    try {
      const { save, result } = await fn(await this.read(key));
      if (save !== undefined) {
        // Someone else may hold the lock now: writing would overwrite what they save.
        if (compromised) {
          throw new TokenStoreError(key, `lost the lock on ${path} before saving (${compromised.message})`, {
            cause: compromised,
          });
        }
        await this.write(path, save);
      }
      return result;
    } finally {
      await release().catch(() => undefined);
    }
  }

  async remove(key: string): Promise<void> {
    const path = this.pathFor(key);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const release = await this.lock(key, path, () => undefined);
    try {
      await unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    } finally {
      await release().catch(() => undefined);
    }
  }

  async close(): Promise<void> {}

  private async lock(
    key: string,
    path: string,
    onCompromised: (err: Error) => void,
  ): Promise<() => Promise<void>> {
    const deadline = Date.now() + this.lockWaitMs;
    let delay = 5;
    for (;;) {
      try {
        return await lockfile.lock(path, { realpath: false, stale: this.staleMs, onCompromised });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') {
          throw new TokenStoreError(key, `cannot lock ${path}: ${(err as Error).message}`, { cause: err });
        }
        if (Date.now() >= deadline) {
          throw new TokenStoreError(key, `${path} stayed locked for ${this.lockWaitMs} ms`, { cause: err });
        }
        await sleep(delay + Math.floor(Math.random() * delay));
        delay = Math.min(delay * 2, 100);
      }
    }
  }

  /** Write to a temporary file, fsync, rename over, fsync the directory. */
  private async write(path: string, state: TokenState): Promise<void> {
    const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const f = await open(tmp, 'wx', 0o600);
    try {
      await f.writeFile(JSON.stringify({ format: FORMAT, state }, null, 2));
      await f.sync();
    } finally {
      await f.close();
    }
    try {
      await rename(tmp, path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    try {
      const d = await open(this.dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    } catch {
      /* some file systems cannot fsync a directory; the rename is still atomic */
    }
  }
}

export function fileTokenStore(opts: FileTokenStoreOptions): FileTokenStore {
  return new FileTokenStore(opts);
}
