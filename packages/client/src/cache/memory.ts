/** The default token store: this process only. The lock is an in-process queue per key. */
import type { TokenState, TokenStore, UpdateResult } from './types.ts';

export class MemoryTokenStore implements TokenStore {
  private readonly states = new Map<string, TokenState>();
  private readonly tails = new Map<string, Promise<unknown>>();

  async read(key: string): Promise<TokenState | undefined> {
    const s = this.states.get(key);
    return s === undefined ? undefined : structuredClone(s);
  }

  update<T>(key: string, fn: (state: TokenState | undefined) => Promise<UpdateResult<T>>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const run = prev.then(async () => {
      const { save, result } = await fn(await this.read(key));
      if (save !== undefined) this.states.set(key, structuredClone(save));
      return result;
    });
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  async remove(key: string): Promise<void> {
    await this.update(key, async () => ({ result: undefined }));
    this.states.delete(key);
  }

  async close(): Promise<void> {}
}

export function memoryTokenStore(): MemoryTokenStore {
  return new MemoryTokenStore();
}
