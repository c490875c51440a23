/**
 * A named credential, ready to use: `getToken()` for a fresh access token and
 * `fetch()` for calls that carry it and renew it on 401. Wires the credential's
 * flow provider, its token cache (and store) and the fetch wrapper together.
 */

import { memoryTokenStore } from './cache/memory.ts';
import type { BackoffOptions } from './cache/single_flight.ts';
import { type ObtainedToken, type SavedEvent, TokenCache } from './cache/token_cache.ts';
import type { TokenState, TokenStore } from './cache/types.ts';
import { type Credential, type CredentialConfig, validateCredential } from './credential.ts';
import { endpointsFor } from './endpoints.ts';
import { authorizedFetch } from './fetch.ts';
import { introspectExpiry } from './introspection.ts';
import { loadSigningKey, type SigningKey } from './keys.ts';
import {
  beginAuthorization,
  finishAuthorization,
  type PendingAuthorization,
} from './providers/authorization_code.ts';
import { providerFor } from './providers/index.ts';
import type { ProviderContext, TokenProvider } from './providers/types.ts';
import type { FetchFn } from './token_request.ts';
import { type TokenSet, tokenSetFrom } from './token_set.ts';
import type { TokenResponse } from './wire.ts';

export interface CredentialOptions {
  /** Where tokens are kept: memory (default), `fileTokenStore` or `redisTokenStore` to share across processes. */
  store?: TokenStore;
  /** The key in the store (default: the credential's name). */
  storeKey?: string;
  /** The `fetch` used for token requests and for `credential.fetch` (default: the global one). */
  fetch?: FetchFn;
  /** The clock, epoch ms (default `Date.now`). */
  now?: () => number;
  /** Backoff after a failed token request (default 1 s doubling to 30 s). */
  backoff?: BackoffOptions;
  /** Called once a new token (and any rotated refresh token) is saved, before anyone receives it. */
  onTokenSaved?: (e: SavedEvent) => void | Promise<void>;
}

export class NamedCredential {
  readonly config: Credential;
  /** `fetch`-compatible: attaches the token; on 401 (or as configured) renews it and retries once. */
  readonly fetch: FetchFn;
  readonly store: TokenStore;
  readonly storeKey: string;
  private readonly ctx: ProviderContext;
  private readonly provider: TokenProvider;
  private readonly cache: TokenCache;
  private key: Promise<SigningKey> | undefined;

  constructor(config: Credential, opts: CredentialOptions = {}) {
    this.config = config;
    const now = opts.now ?? Date.now;
    const http = {
      credential: config.name,
      fetch: opts.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeoutMs: config.requestTimeoutSeconds * 1000,
    } satisfies ProviderContext['http'];
    this.ctx = {
      credential: config,
      http,
      endpoints: endpointsFor(config, http),
      now,
      signingKey: () => {
        // Read once; a failure is not kept, so a fixed file is picked up on the next try.
        if (this.key === undefined) this.key = loadSigningKey(config);
        const k = this.key;
        k.catch(() => {
          if (this.key === k) this.key = undefined;
        });
        return k;
      },
    };
    this.provider = providerFor(this.ctx);
    this.store = opts.store ?? memoryTokenStore();
    this.storeKey = opts.storeKey ?? config.name;
    this.cache = new TokenCache({
      key: this.storeKey,
      store: this.store,
      now,
      marginMs: config.refreshMarginSeconds * 1000,
      backoff: opts.backoff,
      onSaved: opts.onTokenSaved,
      obtain: (state) => this.obtain(state),
    });
    this.fetch = authorizedFetch({
      credential: config.name,
      tokens: this.cache,
      fetch: http.fetch,
      refreshOn: config.refreshOn,
      streamBodies: config.streamBodies,
      baseUrl: config.instanceUrl,
    });
  }

  get name(): string {
    return this.config.name;
  }

  /** A fresh token (from memory, the store, or a new token request). */
  getToken(): Promise<TokenSet> {
    return this.cache.get();
  }

  /** A fresh access token. */
  async accessToken(): Promise<string> {
    return (await this.cache.get()).accessToken;
  }

  /** A token different from `rejected` (which a server refused). */
  renewToken(rejected: string): Promise<TokenSet> {
    return this.cache.get(rejected);
  }

  /** Forgets the current token; the next use renews it. */
  invalidate(): void {
    this.cache.invalidate();
  }

  /** The saved state (token and whether a refresh token is held). */
  state(): Promise<TokenState | undefined> {
    return this.store.read(this.storeKey);
  }

  /**
   * Saves a token response obtained outside the flow (the first one of an
   * authorization-code login, RFC 6749 §4.1.4), with its refresh token.
   */
  async saveTokenResponse(resp: TokenResponse, requestedAt = this.ctx.now()): Promise<TokenSet> {
    const got = await this.toObtained(resp, requestedAt);
    await this.store.update(this.storeKey, async () => ({
      save: { token: got.token, refreshToken: got.refreshToken, updatedAt: this.ctx.now() },
      result: undefined,
    }));
    this.cache.adopt(got.token);
    return got.token;
  }

  /** Authorization code + PKCE, step 1: the URL to open (RFC 6749 §4.1.1, RFC 7636 §4.3). */
  beginAuthorization(opts: { redirectUri?: string } = {}): Promise<PendingAuthorization> {
    return beginAuthorization(this.ctx, opts);
  }

  /**
   * Step 2: given the URL the browser was sent back to, exchange the code and
   * save the tokens (the refresh token included) before returning.
   */
  async finishAuthorization(pending: PendingAuthorization, callback: string | URL): Promise<TokenSet> {
    const requestedAt = this.ctx.now();
    const resp = await finishAuthorization(this.ctx, pending, callback);
    return this.saveTokenResponse(resp, requestedAt);
  }

  /** Closes the store (connections it opened itself). */
  close(): Promise<void> {
    return this.store.close();
  }

  private async obtain(state: TokenState | undefined): Promise<ObtainedToken> {
    const requestedAt = this.ctx.now();
    const resp = await this.provider.obtain({ refreshToken: state?.refreshToken });
    return this.toObtained(resp, requestedAt);
  }

  /** Never throws once the response is in hand: a rotated refresh token must reach the store. */
  private async toObtained(resp: TokenResponse, requestedAt: number): Promise<ObtainedToken> {
    const token = tokenSetFrom(resp, requestedAt);
    const c = this.config;
    if (resp.expires_in !== undefined) {
      // RFC 6749 §5.1: seconds from the response; counted from the request, to be safe.
      token.expiresAt = requestedAt + resp.expires_in * 1000;
    } else {
      const introspected = c.introspect
        ? await introspectExpiry(this.ctx, token.accessToken, requestedAt)
        : undefined;
      const fallback =
        c.tokenLifetimeSeconds === undefined ? undefined : requestedAt + c.tokenLifetimeSeconds * 1000;
      const at = introspected ?? fallback;
      if (at !== undefined) token.expiresAt = at;
    }
    return { token, refreshToken: resp.refresh_token };
  }
}

/** Validates the configuration and makes the credential. */
export function createCredential(config: CredentialConfig, opts: CredentialOptions = {}): NamedCredential {
  return new NamedCredential(validateCredential(config), opts);
}
