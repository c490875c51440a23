/**
 * Salesforce-style record ids: a 3-character key prefix, 12 base-62 characters,
 * and the 3-character case-safe checksum suffix that turns a 15-character id
 * into its 18-character form.
 */
import { randomBytes, randomInt } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Key prefixes used by Salesforce for the objects we model. */
export const KeyPrefix = {
  org: '00D',
  user: '005',
  connectedApp: '0H4',
  approval: '0Ai',
  preauthorization: '0Pa',
  secret: '0Sc',
  token: '0At',
} as const;

export function randomBase62(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += BASE62[randomInt(62)];
  return s;
}

/** The case-safe suffix of a 15-character id. */
export function checksum15(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += SUFFIX[bits];
  }
  return out;
}

export function newId(prefix: string): string {
  // "000" after the prefix mirrors the pod/reserved characters in real ids.
  const id15 = prefix + '000' + randomBase62(9);
  return id15 + checksum15(id15);
}

export function isSalesforceId(s: string): boolean {
  return /^[a-zA-Z0-9]{18}$/.test(s) && checksum15(s.slice(0, 15)) === s.slice(15);
}

/** A consumer key in Salesforce's recognisable shape ("3MVG9…"), 85 characters. */
export function newClientId(): string {
  return '3MVG9' + randomBase62(80);
}

/** A consumer secret: 256 random bits, 64 uppercase hex characters like Salesforce's. */
export function newClientSecret(): string {
  return randomBytes(32).toString('hex').toUpperCase();
}

/** An opaque bearer credential (access token, admin token): 256 random bits. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random bits. Rows
 * keyed by it are inserted at the right-hand edge of their primary-key index instead of on a
 * random page: with 10^6 access tokens stored, an insert's SQLite checkpoint writes ~15 KB
 * instead of ~25 KB (docs/storage.md). Only for ids that may reveal their creation time.
 */
export function uuidv7(nowMs: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(Math.max(0, Math.floor(nowMs)) % 2 ** 48, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f); // version 7
  b[8] = 0x80 | (b[8]! & 0x3f); // variant 10
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
