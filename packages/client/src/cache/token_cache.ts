/**
 * The token cache of one credential: hands out the current access token while
 * it is fresh, and gets a new one when it is near expiry or was rejected.
 *
 * - In this process, any number of callers that need a new token at once cause
 *   one token request (single flight); a failure reaches all of them, then backs off.
 * - Across processes sharing a file or Redis store, the request is made under
 *   the store's lock; a process that gets the lock after another has renewed the
 *   token uses the saved one instead of asking again.
 * - The new state (access token and, with rotation, the new refresh token) is
 *   saved before the token is returned (RFC 9700 §4.14.2: a rotated refresh
 *   token must never be lost, nor the old one sent again).
 */
import { isFresh, type TokenSet } from '../token_set.ts';
import { type BackoffOptions, SingleFlight } from './single_flight.ts';
import type { TokenState, TokenStore } from './types.ts';

export interface ObtainedToken {
  token: TokenSet;
  /** A refresh token that came with it (rotation, or a first one). */
  refreshToken?: string;
}

export interface SavedEvent {
  key: string;
  token: TokenSet;
  /** True when the response carried a refresh token that replaced the saved one. */
  refreshTokenRotated: boolean;
}

export interface TokenCacheOptions {
  key: string;
  store: TokenStore;
  /** Gets a new token; given the state as saved (its refresh token is the live one). */
  obtain(state: TokenState | undefined): Promise<ObtainedToken>;
  now(): number;
  marginMs: number;
  backoff?: BackoffOptions;
  /** Called after a new token is saved and before anyone receives it. */
  onSaved?: (e: SavedEvent) => void | Promise<void>;
}

export class TokenCache {
  private current: TokenSet | undefined;
  /** A token the server refused: never handed out again, even if it looks fresh. */
  private rejected: string | undefined;
  /** Set by `invalidate()` before any token was in memory: the saved one is not to be used either. */
  private ignoreSaved = false;
  private readonly flight: SingleFlight<TokenSet>;

  constructor(private readonly o: TokenCacheOptions) {
    this.flight = new SingleFlight<TokenSet>(o.now, o.backoff);
  }

  private usable(t: TokenSet | undefined, reject: string | undefined): t is TokenSet {
    return (
      t !== undefined &&
      t.accessToken !== reject &&
      t.accessToken !== this.rejected &&
      isFresh(t, this.o.now(), this.o.marginMs)
    );
  }

  /**
   * A fresh token. With `reject`, that token was refused by a server: a
   * different one is returned (one token request for all callers that reject it).
   */
  get(reject?: string): Promise<TokenSet> {
    if (reject !== undefined && reject === this.current?.accessToken) this.rejected = reject;
    if (this.usable(this.current, reject)) return Promise.resolve(this.current);
    return this.flight.run(() => this.renew(reject));
  }

  /** Drops the current token: the next `get` renews it (or takes a newer saved one). */
  invalidate(): void {
    if (this.current) this.rejected = this.current.accessToken;
    else this.ignoreSaved = true;
    this.current = undefined;
    this.flight.reset();
  }

  /** Takes a token obtained and saved outside `get` (an authorization-code login) as the current one. */
  adopt(token: TokenSet): void {
    this.current = token;
    this.ignoreSaved = false;
  }

  /** The token in memory, if any, fresh or not. */
  peek(): TokenSet | undefined {
    return this.current;
  }

  private async renew(reject: string | undefined): Promise<TokenSet> {
    let saved: SavedEvent | undefined;
    const token = await this.o.store.update(this.o.key, async (state) => {
      // Another process (or an earlier call) may have renewed it already: use that.
      if (!this.ignoreSaved && this.usable(state?.token, reject)) return { result: state!.token! };
      const got = await this.o.obtain(state);
      const next: TokenState = {
        token: got.token,
        refreshToken: got.refreshToken ?? state?.refreshToken,
        updatedAt: this.o.now(),
      };
      saved = {
        key: this.o.key,
        token: got.token,
        refreshTokenRotated: got.refreshToken !== undefined && got.refreshToken !== state?.refreshToken,
      };
      return { save: next, result: got.token };
    });
    if (saved) {
      this.ignoreSaved = false;
      await this.o.onSaved?.(saved);
    }
    this.current = token;
    return token;
  }
}
