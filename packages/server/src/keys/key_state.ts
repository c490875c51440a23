/**
 * Which stored signing key does what at a given time (pure; keys/rotation.ts explains why):
 * - published: not retired (`retiredAt` unset or still ahead) — in the JWKS, trusted to verify;
 * - pending: published, but its `activatesAt` is still ahead — verifiers learn it first;
 * - signing: of the published keys whose activation has come, the one activated last;
 * - retired: `retiredAt` has passed — gone from the JWKS, no longer trusted.
 */

export type KeyState = 'pending' | 'signing' | 'published' | 'retired';

export interface KeyTimes {
  kid: string;
  createdAt: number;
  /** Absent: signs from creation (every key made before migration 0005). */
  activatesAt?: number;
  retiredAt: number | null;
}

export interface KeyView<K> {
  signing: K | undefined;
  published: K[];
  state(k: K): KeyState;
  /** The next time any state changes (an activation or a retirement); Infinity when none. */
  validUntil: number;
}

export const activationTime = (k: KeyTimes): number => k.activatesAt ?? k.createdAt;

export const isRetired = (k: KeyTimes, now: number): boolean => k.retiredAt !== null && k.retiredAt <= now;

/**
 * `keys` in store order (oldest first; among equal activation times the later one wins);
 * `times` reads a key's times (the identity for plain key records).
 */
export function keyView<K>(
  keys: readonly K[],
  now: number,
  times: (k: K) => KeyTimes = (k) => k as unknown as KeyTimes,
): KeyView<K> {
  const act = (k: K) => activationTime(times(k));
  const published = keys.filter((k) => !isRetired(times(k), now));
  let signing: K | undefined;
  for (const k of published) {
    if (act(k) <= now && (signing === undefined || act(k) >= act(signing))) signing = k;
  }
  if (signing === undefined) {
    // Only pending keys left (rows removed by hand): sign with the one due first rather than not at all.
    for (const k of published) if (signing === undefined || act(k) < act(signing)) signing = k;
  }
  let validUntil = Number.POSITIVE_INFINITY;
  for (const k of keys) {
    const t = times(k);
    const a = activationTime(t);
    if (a > now) validUntil = Math.min(validUntil, a);
    if (t.retiredAt !== null && t.retiredAt > now) validUntil = Math.min(validUntil, t.retiredAt);
  }
  const chosen = signing;
  return {
    signing,
    published,
    validUntil,
    state: (k) =>
      isRetired(times(k), now)
        ? 'retired'
        : k === chosen
          ? 'signing'
          : act(k) > now
            ? 'pending'
            : 'published',
  };
}
