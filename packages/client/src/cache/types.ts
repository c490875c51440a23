/**
 * Where tokens are kept between requests. A store holds, per key (the
 * credential), the current access token and the live refresh token. `update`
 * runs a function under the key's lock — across every process that shares the
 * store, for the file and Redis stores — and saves what it returns, atomically,
 * before it resolves: whoever gets a new token gets it only after it is saved.
 */
import type { TokenSet } from '../token_set.ts';

export interface TokenState {
  token?: TokenSet;
  /** The live refresh token (RFC 6749 §6); a rotated one replaces it (RFC 9700 §4.14.2). */
  refreshToken?: string;
  /** Epoch ms of the last save. */
  updatedAt: number;
}

export interface UpdateResult<T> {
  /** Written atomically, under the lock, before `update` resolves. */
  save?: TokenState;
  result: T;
}

export interface TokenStore {
  /** The saved state, read without the lock. */
  read(key: string): Promise<TokenState | undefined>;
  /** Runs `fn` holding the key's lock, with the state as saved; saves `save` before resolving. */
  update<T>(key: string, fn: (state: TokenState | undefined) => Promise<UpdateResult<T>>): Promise<T>;
  /** Forgets the key. */
  remove(key: string): Promise<void>;
  /** Releases connections the store opened itself. */
  close(): Promise<void>;
}

/** Keys become file names and Redis keys: keep safe ones readable, hash the rest. */
export const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
