/**
 * The server's signing keys (for JWT access tokens), kept in the store so that
 * every process signs with the same key and verifies every published one.
 * Which key signs and which are published follows from their times (key_state.ts);
 * rotation (rotation.ts) only ever adds a key and schedules the old ones' retirement,
 * so every process reaches the same answer from the same rows. Other processes see a
 * rotation at their next reload (`startReloading`, S2S_KEY_RELOAD_SECONDS).
 *
 * Signing our own tokens uses node:crypto directly: jose's WebCrypto path costs
 * 2–3× for ES256 (../shared/reference/performance.md §3). Verification of
 * presented tokens (untrusted input) goes through jose, in tokens/verify.
 */
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { Logger } from 'pino';
import type { SigningKey } from '../domain/types.ts';
import type { SigningKeyStore, StoredSigningKey } from '../store/interfaces.ts';
import { isEncryptedPem, type KeyEncryption, openPrivatePem } from './encryption.ts';
import { generateSigningKey } from './generate.ts';
import { type KeyState, type KeyView, keyView } from './key_state.ts';
import { DEFAULT_ROTATION, type RotationPolicy, rotateSigningKey } from './rotation.ts';

export interface LoadedKey {
  meta: StoredSigningKey;
  /** Null only for a key another process added that this one cannot decrypt (logged). */
  privateKey: KeyObject | null;
}

export interface KeyRingOptions {
  /** The clock (epoch ms); the server's, so tests can move it. */
  now?: () => number;
  /** Encryption at rest; null or absent: private keys are stored as PEM text. */
  encryption?: KeyEncryption | null;
  rotation?: Partial<RotationPolicy>;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** A key as the admin API and `s2s keys list` show it (no private material). */
export interface KeyListing {
  kid: string;
  alg: SigningKey['alg'];
  state: KeyState;
  createdAt: number;
  activatesAt: number;
  retiredAt: number | null;
  encrypted: boolean;
}

export class KeyRing {
  private keys: LoadedKey[] = [];
  private view: KeyView<LoadedKey> = keyView<LoadedKey>([], 0, metaOf);
  /** Decrypted and parsed keys by kid + stored text: reloads do not parse them again. */
  private readonly parsed = new Map<string, { stored: string; key: KeyObject }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  readonly rotation: RotationPolicy;
  /** Bumped on every (re)load and state change, so caches derived from the keys know when to rebuild. */
  generation = 0;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly opts: KeyRingOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.rotation = { ...DEFAULT_ROTATION, ...opts.rotation };
  }

  /**
   * Loads the stored keys, creating the first one when none is published, and re-encrypts
   * plaintext keys when encryption is configured. Throws (the server does not start) when a
   * key cannot be decrypted.
   */
  async init(now: number, alg: SigningKey['alg'] = 'ES256'): Promise<void> {
    let stored = await this.store.list();
    if (!stored.some((k) => k.retiredAt === null || k.retiredAt > now)) {
      await this.store.insert(this.sealed(generateSigningKey(alg, now)));
      stored = await this.store.list();
    }
    this.load(stored, true);
    if (await this.rewriteAtRest(stored)) this.load(await this.store.list(), true);
  }

  async reload(): Promise<void> {
    this.load(await this.store.list(), false);
  }

  /** Reloads every `ms` (timer unref'd); failures are logged and the current keys kept. */
  startReloading(ms: number): void {
    this.stop();
    if (ms <= 0) return;
    this.timer = setInterval(() => {
      this.reload().catch((err) => this.opts.log?.warn({ err }, 'signing keys could not be reloaded'));
    }, ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Adds the next key (published now, signing after the overlap) and reloads. */
  async rotate(opts: { alg?: SigningKey['alg']; overlapMs?: number } = {}): Promise<KeyListing> {
    const key = await rotateSigningKey(this.store, this.now(), {
      alg: opts.alg ?? this.signingKey().meta.alg,
      overlapMs: opts.overlapMs ?? this.rotation.overlapMs,
      retireAfterMs: this.rotation.retireAfterMs,
      seal: (k) => this.sealed(k),
    });
    await this.reload();
    return this.list().find((k) => k.kid === key.kid)!;
  }

  /** Every loaded key with its state now, oldest first. */
  list(): KeyListing[] {
    const view = this.current();
    return this.keys.map(({ meta }, i) => ({
      kid: meta.kid,
      alg: meta.alg,
      state: view.state(this.keys[i]!),
      createdAt: meta.createdAt,
      activatesAt: meta.activatesAt ?? meta.createdAt,
      retiredAt: meta.retiredAt,
      encrypted: isEncryptedPem(meta.privatePem),
    }));
  }

  /** The key that signs now. */
  get active(): LoadedKey {
    return this.signingKey();
  }

  /** Public keys of every published key: what /id/keys serves and what verification trusts. */
  jwks(): JSONWebKeySet {
    return {
      keys: this.current().published.map((k) => ({
        ...k.meta.publicJwk,
        kid: k.meta.kid,
        alg: k.meta.alg,
        use: 'sig',
      })),
    };
  }

  /** Compact JWS (RFC 7515 §7.1) over the claims with the active key. */
  signJwt(claims: Record<string, unknown>, typ: string): string {
    const { meta, privateKey } = this.signingKey();
    const header = b64json({ alg: meta.alg, kid: meta.kid, typ });
    const input = `${header}.${b64json(claims)}`;
    const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  }

  private signingKey(): LoadedKey & { privateKey: KeyObject } {
    const k = this.current().signing;
    if (!k) throw new Error('no active signing key');
    if (!k.privateKey) throw new Error(`signing key ${k.meta.kid} could not be decrypted here`);
    return k as LoadedKey & { privateKey: KeyObject };
  }

  /** The view for now; recomputed (and the generation bumped) when a key activates or retires. */
  private current(): KeyView<LoadedKey> {
    const now = this.now();
    if (now >= this.view.validUntil) {
      this.view = keyView(this.keys, now, metaOf);
      this.generation++;
    }
    return this.view;
  }

  private load(stored: StoredSigningKey[], strict: boolean): void {
    const keys: LoadedKey[] = [];
    for (const meta of stored) {
      let privateKey: KeyObject | null = null;
      try {
        privateKey = this.privateKeyOf(meta);
      } catch (err) {
        if (strict) throw err;
        // Published and verifiable all the same (the public key is stored in clear).
        this.opts.log?.error({ kid: meta.kid, err }, 'a signing key could not be decrypted');
      }
      keys.push({ meta, privateKey });
    }
    this.keys = keys;
    this.view = keyView(keys, this.now(), metaOf);
    this.generation++;
  }

  private privateKeyOf(meta: StoredSigningKey): KeyObject {
    const hit = this.parsed.get(meta.kid);
    if (hit && hit.stored === meta.privatePem) return hit.key;
    const key = createPrivateKey(openPrivatePem(meta.kid, meta.privatePem, this.opts.encryption ?? null));
    this.parsed.set(meta.kid, { stored: meta.privatePem, key });
    return key;
  }

  /** A new key as it should be stored: encrypted when encryption is configured. */
  private sealed(k: StoredSigningKey): StoredSigningKey {
    const enc = this.opts.encryption;
    return enc ? { ...k, privatePem: enc.encrypt(k.kid, k.privatePem) } : k;
  }

  /** Encrypts plaintext keys (and re-encrypts under the first key); true when any row changed. */
  private async rewriteAtRest(stored: StoredSigningKey[]): Promise<boolean> {
    const enc = this.opts.encryption;
    if (!enc) return false;
    let changed = 0;
    for (const k of stored) {
      if (!enc.needsRewrite(k.privatePem)) continue;
      const pem = openPrivatePem(k.kid, k.privatePem, enc);
      // Compare-and-set: a second process doing the same at the same time changes nothing.
      if (await this.store.replacePrivatePem(k.kid, k.privatePem, enc.encrypt(k.kid, pem))) changed++;
    }
    if (changed) this.opts.log?.info({ keys: changed }, 'signing keys encrypted at rest');
    return changed > 0;
  }
}

export { generateSigningKey } from './generate.ts';

function metaOf(k: LoadedKey): StoredSigningKey {
  return k.meta;
}

function b64json(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}
