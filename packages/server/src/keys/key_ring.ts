/**
 * The server's signing keys (for JWT access tokens), kept in the store so that
 * every process signs with the same key and verifies every published one.
 *
 * Signing our own tokens uses node:crypto directly: jose's WebCrypto path costs
 * 2–3× for ES256 (../shared/reference/performance.md §3). Verification of
 * presented tokens (untrusted input) goes through jose, in tokens/verify.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { SigningKey } from '../domain/types.ts';
import type { SigningKeyStore } from '../store/interfaces.ts';

interface LoadedKey {
  meta: SigningKey;
  privateKey: KeyObject;
}

export class KeyRing {
  private keys: LoadedKey[] = [];
  /** Bumped on every (re)load, so caches derived from the keys know when to rebuild. */
  generation = 0;

  constructor(private readonly store: SigningKeyStore) {}

  /** Loads the stored keys and creates the first one when there is none. */
  async init(now: number, alg: SigningKey['alg'] = 'ES256'): Promise<void> {
    let stored = await this.store.list();
    if (!stored.some((k) => k.retiredAt === null)) {
      await this.store.insert(generateSigningKey(alg, now));
      stored = await this.store.list();
    }
    this.load(stored);
  }

  async reload(): Promise<void> {
    this.load(await this.store.list());
  }

  private load(stored: SigningKey[]): void {
    this.keys = stored.map((meta) => ({ meta, privateKey: createPrivateKey(meta.privatePem) }));
    this.generation++;
  }

  /** The newest key that is not retired signs. */
  get active(): LoadedKey {
    const live = this.keys.filter((k) => k.meta.retiredAt === null);
    const k = live[live.length - 1];
    if (!k) throw new Error('no active signing key');
    return k;
  }

  /** Public keys of every key not retired: what /id/keys publishes and what verification trusts. */
  jwks(): JSONWebKeySet {
    return {
      keys: this.keys
        .filter((k) => k.meta.retiredAt === null)
        .map((k) => ({ ...k.meta.publicJwk, kid: k.meta.kid, alg: k.meta.alg, use: 'sig' })),
    };
  }

  /** Compact JWS (RFC 7515 §7.1) over the claims with the active key. */
  signJwt(claims: Record<string, unknown>, typ: string): string {
    const { meta, privateKey } = this.active;
    const header = b64json({ alg: meta.alg, kid: meta.kid, typ });
    const input = `${header}.${b64json(claims)}`;
    const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  }
}

function b64json(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

export function generateSigningKey(alg: SigningKey['alg'], now: number): SigningKey {
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, unknown>;
  return {
    kid: randomUUID(),
    alg,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk,
    createdAt: now,
    retiredAt: null,
  };
}
