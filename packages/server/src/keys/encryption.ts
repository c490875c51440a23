/**
 * Server private keys at rest: AES-256-GCM under a key from the environment
 * (S2S_KEY_ENCRYPTION_KEY, 32 bytes in base64), through node:crypto.
 *
 * Stored form: `s2senc:v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts; the key id is
 * the first 8 hex digits of the SHA-256 of the encryption key, so a wrong key is named as
 * such rather than failing as "bad data"). The key's `kid` is the additional authenticated
 * data: a ciphertext copied onto another row does not decrypt.
 *
 * Several keys may be given, comma-separated: the first encrypts, every one decrypts (how
 * the encryption key itself is rotated; docs/operations.md).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 's2senc:v1:';

export class KeyEncryptionError extends Error {}

export function isEncryptedPem(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** Parses the setting: one or more base64 (or base64url) keys of exactly 32 bytes. */
export function parseEncryptionKeys(value: string, name = 'S2S_KEY_ENCRYPTION_KEY'): Buffer[] {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new KeyEncryptionError(`${name} is empty`);
  return parts.map((p, i) => {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(p)) {
      throw new KeyEncryptionError(`${name} key ${i + 1} is not base64`);
    }
    const key = Buffer.from(p.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length !== 32) {
      throw new KeyEncryptionError(
        `${name} key ${i + 1} must be 32 bytes in base64 (got ${key.length} bytes); make one with: openssl rand -base64 32`,
      );
    }
    return key;
  });
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export class KeyEncryption {
  private readonly byId: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };

  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new KeyEncryptionError('no encryption key');
    this.byId = new Map(keys.map((k) => [keyId(k), k]));
    this.current = { id: keyId(keys[0]!), key: keys[0]! };
  }

  static fromSetting(value: string): KeyEncryption {
    return new KeyEncryption(parseEncryptionKeys(value));
  }

  encrypt(kid: string, pem: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(kid));
    const ct = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url'));
    return `${PREFIX}${this.current.id}:${parts.join(':')}`;
  }

  /** The PEM inside; throws KeyEncryptionError naming the setting when no given key opens it. */
  decrypt(kid: string, stored: string): string {
    const [id, iv, tag, ct] = stored.slice(PREFIX.length).split(':');
    const key = id ? this.byId.get(id) : undefined;
    if (!key || !iv || !tag || ct === undefined) {
      throw new KeyEncryptionError(
        `signing key ${kid} is encrypted with a key S2S_KEY_ENCRYPTION_KEY does not hold (key id ${id ?? '?'}): wrong S2S_KEY_ENCRYPTION_KEY?`,
      );
    }
    try {
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(kid));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new KeyEncryptionError(
        `signing key ${kid} does not decrypt with S2S_KEY_ENCRYPTION_KEY (damaged, or moved from another key id)`,
      );
    }
  }

  /** Stored text that should be rewritten: plaintext, or encrypted under a key other than the first. */
  needsRewrite(stored: string): boolean {
    return !stored.startsWith(`${PREFIX}${this.current.id}:`);
  }
}

/** The PEM of a stored key: decrypted when encrypted; refuses encrypted keys without a key. */
export function openPrivatePem(kid: string, stored: string, enc: KeyEncryption | null): string {
  if (!isEncryptedPem(stored)) return stored;
  if (!enc) {
    throw new KeyEncryptionError(
      `signing key ${kid} is encrypted at rest but S2S_KEY_ENCRYPTION_KEY is not set`,
    );
  }
  return enc.decrypt(kid, stored);
}
