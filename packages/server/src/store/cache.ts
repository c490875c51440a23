/**
 * A read cache over what admins change and every token request reads: apps by client id and
 * id, their secrets and certificates, users, positive pre-authorization checks and approvals.
 * Each request otherwise pays 3–5 queries for rows that change a few times a day
 * (docs/performance.md).
 *
 * Staleness is bounded and documented (docs/configuration.md, S2S_CACHE_TTL_SECONDS):
 * - a write through this process clears the cache at once, and is announced on the
 *   invalidation bus (cache_bus.ts: PostgreSQL NOTIFY, node:cluster messages), which clears
 *   every other process's cache within milliseconds;
 * - whatever the bus misses (a dropped listener, a write made by hand) is gone after the TTL.
 * Only hits are kept: an unknown client id, user or a refused check is asked again each time,
 * so something created in one process can be used at once through another.
 * Cached values are deep-frozen (they are shared between requests): code that mutated one
 * would throw instead of corrupting another request's view. Token rows are never cached: their
 * revocation is seen by the next request everywhere (stateless JWTs have no row; their
 * revocations are kept by oauth/tokens/revocations.ts).
 */
import type { App, AppCertificate, Approval, AppSecret, User } from '../domain/types.ts';
import type { ApprovalStore, AppStore, PreauthorizationStore, Store, UserStore } from './interfaces.ts';

export interface ReadCacheOptions {
  /** How long an entry may be served, ms; 0 turns the cache off. */
  ttlMs: number;
  /** Entries kept (oldest dropped first), default 10 000. */
  maxEntries?: number;
  /** Monotonic clock, ms (tests). Not the server's clock, which tests may freeze. */
  clock?: () => number;
}

export class ReadCache {
  private readonly entries = new Map<string, { value: unknown; until: number }>();
  /** Bumped by clear(): a load that started before a clear does not store its (older) result. */
  private generation = 0;
  private readonly max: number;
  private readonly clock: () => number;

  constructor(private readonly opts: ReadCacheOptions) {
    this.max = opts.maxEntries ?? 10_000;
    this.clock = opts.clock ?? (() => performance.now());
  }

  get enabled(): boolean {
    return this.opts.ttlMs > 0;
  }

  async get<T>(key: string, load: () => Promise<T>, keep: (v: T) => boolean): Promise<T> {
    if (!this.enabled) return load();
    const hit = this.entries.get(key);
    if (hit && hit.until > this.clock()) return hit.value as T;
    const generation = this.generation;
    const value = await load();
    if (keep(value) && generation === this.generation) {
      if (hit) this.entries.delete(key);
      else if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value: deepFreeze(value), until: this.clock() + this.opts.ttlMs });
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const found = (v: unknown) => v !== undefined;
const always = () => true;

/**
 * The store with cached reads. `changed` is called after every write to the cached tables
 * (after the cache is cleared), to tell the other processes (cache_bus.ts).
 */
export function withReadCache(store: Store, cache: ReadCache, changed: () => void = () => {}): Store {
  if (!cache.enabled) return store;
  // Clears after the write (so nothing read before it survives) whether or not it succeeded.
  const write =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await fn(...a);
      } finally {
        cache.clear();
        changed();
      }
    };
  const { apps: a, users: u, preauthorizations: p, approvals: ap } = store;
  const apps: AppStore = {
    findByClientId: (id) => cache.get<App | undefined>(`app:c:${id}`, () => a.findByClientId(id), found),
    findById: (id) => cache.get<App | undefined>(`app:i:${id}`, () => a.findById(id), found),
    secrets: (id) => cache.get<AppSecret[]>(`app:s:${id}`, () => a.secrets(id), always),
    certificates: (id) => cache.get<AppCertificate[]>(`app:x:${id}`, () => a.certificates(id), always),
    list: () => a.list(),
    create: write((app, secrets, certs) => a.create(app, secrets, certs)),
    update: write((app) => a.update(app)),
    delete: write((id) => a.delete(id)),
    addSecret: write((s) => a.addSecret(s)),
    deleteSecret: write((appId, id) => a.deleteSecret(appId, id)),
    addCertificate: write((c) => a.addCertificate(c)),
    deleteCertificate: write((appId, t) => a.deleteCertificate(appId, t)),
  };
  const users: UserStore = {
    findById: (id) => cache.get<User | undefined>(`user:i:${id}`, () => u.findById(id), found),
    findByUsername: (n) => cache.get<User | undefined>(`user:n:${n}`, () => u.findByUsername(n), found),
    list: () => u.list(),
    create: write((user) => u.create(user)),
    update: write((user) => u.update(user)),
    delete: write((id) => u.delete(id)),
  };
  const preauthorizations: PreauthorizationStore = {
    covers: (appId, username, profile) =>
      cache.get(
        `pre:${appId}:${username.length}:${username}:${profile}`,
        () => p.covers(appId, username, profile),
        (ok) => ok,
      ),
    list: (appId) => p.list(appId),
    add: write((x) => p.add(x)),
    delete: write((appId, id) => p.delete(appId, id)),
  };
  const approvals: ApprovalStore = {
    find: (appId, userId) =>
      cache.get<Approval | undefined>(`appr:${appId}:${userId}`, () => ap.find(appId, userId), found),
    findById: (id) => ap.findById(id),
    list: (f) => ap.list(f),
    upsert: write((x) => ap.upsert(x)),
    delete: write((id) => ap.delete(id)),
  };
  return { ...store, apps, users, preauthorizations, approvals };
}
