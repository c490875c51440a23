/**
 * Revocations of stateless JWT access tokens — tokens with no row in access_tokens
 * (access_token.ts) — held in memory so that checking one costs no query (RFC 7009 §2.1:
 * a revoked token must no longer be accepted; RFC 7662 §2.2: it is no longer active).
 *
 * Two kinds (store/sql/revocations.ts): one token by `jti` (RFC 7009 revoke), and a cutoff
 * per (app, user): every token of that pair issued at or before it (an approval revoked).
 * The cutoff compares the millisecond issue time the token carries (`s2s_iat_ms`), so a token
 * issued in the same second but after the revocation lives; one issued in the very same
 * millisecond counts as issued before it (revoked: the safe side).
 *
 * Each process:
 * - loads the live revocations at start (`start`), before it serves;
 * - applies its own at once, after they are written (`revokeToken`, `revokeAppUser`);
 * - reads rows with `seq >` the last it saw when another process announces one on the bus
 *   (store/cache_bus.ts: PostgreSQL NOTIFY, node:cluster messages: milliseconds), and every
 *   `pollMs` whatever it heard, so a lost notice delays a revocation by at most `pollMs`;
 * - forgets a revocation once no token it covers can still be live (`expiresAt`); the purge
 *   (services/purge.ts) deletes its row.
 */
import type { RevocationStore, TokenRevocation } from '../../store/interfaces.ts';

/** The longest access-token lifetime an app may have (services/apps.ts: 86 400 s). */
export const MAX_ACCESS_TOKEN_TTL_MS = 86_400_000;
/**
 * Kept this long past the last expiry it covers, so a process whose clock runs behind the
 * purging one's still knows the revocation while it would accept the token.
 */
export const REVOCATION_MARGIN_MS = 60_000;
/** How often expired revocations are dropped from memory. */
const PRUNE_EVERY_MS = 60_000;

interface Log {
  warn(obj: object, msg: string): void;
}

export interface RevocationsOptions {
  /** Time between reads of new revocations, ms (0: only on bus notices; tests). */
  pollMs: number;
  /** The server's clock (epoch ms). */
  now: () => number;
  log?: Log;
}

interface Entry {
  at: number;
  expiresAt: number;
}

interface Cutoff extends Entry {
  notBefore: number;
}

const pair = (appId: string, userId: string) => `${appId} ${userId}`;

export class Revocations {
  private readonly jtis = new Map<string, Entry>();
  private readonly cutoffs = new Map<string, Cutoff>();
  private lastSeq = 0;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  private failing = false;

  constructor(
    private readonly store: RevocationStore,
    private readonly opts: RevocationsOptions,
  ) {}

  /** Loads the live revocations, then reads new ones every `pollMs`. */
  async start(): Promise<this> {
    await this.refresh();
    if (this.opts.pollMs > 0) {
      this.timer = setInterval(() => this.poll(), this.opts.pollMs);
      this.timer.unref();
    }
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** When the token was revoked, or null: by its `jti`, or by a cutoff of its (app, user). */
  revokedAt(jti: string, appId: string, userId: string, issuedAt: number): number | null {
    const one = this.jtis.get(jti);
    if (one) return one.at;
    const cutoff = this.cutoffs.get(pair(appId, userId));
    return cutoff && issuedAt <= cutoff.notBefore ? cutoff.at : null;
  }

  /** Revokes one stateless token (RFC 7009 §2.1) until it expires. False when it already was. */
  async revokeToken(jti: string, tokenExpiresAt: number): Promise<boolean> {
    if (this.jtis.has(jti)) return false;
    const now = this.opts.now();
    await this.write({ kind: 'jti', jti, expiresAt: tokenExpiresAt + REVOCATION_MARGIN_MS, createdAt: now });
    return true;
  }

  /** Revokes every stateless token of the app for the user issued at or before `at`. */
  async revokeAppUser(appId: string, userId: string, at: number): Promise<void> {
    await this.write({
      kind: 'app_user',
      appId,
      userId,
      notBefore: at,
      expiresAt: at + MAX_ACCESS_TOKEN_TTL_MS + REVOCATION_MARGIN_MS,
      createdAt: this.opts.now(),
    });
  }

  /**
   * Reads the revocations written since the last read. A call made while a read runs gets
   * a read that starts after it (that read may have missed what prompted the call).
   */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.readNew();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** A refresh whose failure (database away) is logged once and retried at the next poll. */
  poll(): void {
    this.refresh().then(
      () => {
        this.failing = false;
      },
      (err: unknown) => {
        if (!this.failing) this.opts.log?.warn({ err }, 'reading token revocations failed; retrying');
        this.failing = true;
      },
    );
  }

  /** How many revocations are held (tests, metrics). */
  get size(): { jtis: number; cutoffs: number } {
    return { jtis: this.jtis.size, cutoffs: this.cutoffs.size };
  }

  private async write(r: TokenRevocation): Promise<void> {
    await this.store.insert(r);
    // Effective here at once; the row comes back by `seq` later, which changes nothing.
    this.apply(r);
  }

  private async readNew(): Promise<void> {
    const now = this.opts.now();
    const rows = await this.store.listSince(this.lastSeq, now);
    for (const r of rows) {
      this.apply(r);
      if (r.seq > this.lastSeq) this.lastSeq = r.seq;
    }
    if (now - this.lastPrune >= PRUNE_EVERY_MS) this.prune(now);
  }

  private apply(r: TokenRevocation): void {
    if (r.kind === 'jti') {
      if (!this.jtis.has(r.jti)) this.jtis.set(r.jti, { at: r.createdAt, expiresAt: r.expiresAt });
      return;
    }
    const key = pair(r.appId, r.userId);
    const had = this.cutoffs.get(key);
    if (!had || r.notBefore > had.notBefore) {
      this.cutoffs.set(key, {
        at: r.createdAt,
        notBefore: r.notBefore,
        expiresAt: Math.max(r.expiresAt, had?.expiresAt ?? 0),
      });
    }
  }

  private prune(now: number): void {
    this.lastPrune = now;
    for (const [k, e] of this.jtis) if (e.expiresAt <= now) this.jtis.delete(k);
    for (const [k, e] of this.cutoffs) if (e.expiresAt <= now) this.cutoffs.delete(k);
  }
}
