/** First-start state: the org id and the admin token. */
import { sha256Hex } from './domain/hashing.ts';
import { KeyPrefix, newId, newOpaqueToken } from './domain/ids.ts';
import type { Store } from './store/interfaces.ts';

/** One org per deployment; its id is made once and kept. */
export async function ensureOrgId(store: Store): Promise<string> {
  return store.settings.putIfAbsent('org_id', newId(KeyPrefix.org));
}

export const ADMIN_TOKEN_SETTING = 'admin_token_sha256';

/**
 * The admin API's bearer token, stored only as SHA-256. A configured token
 * replaces the stored one; otherwise one is generated on first start and
 * returned so it can be printed once.
 */
export async function ensureAdminToken(
  store: Store,
  configured: string | undefined,
): Promise<string | undefined> {
  if (configured !== undefined) {
    await store.settings.set(ADMIN_TOKEN_SETTING, sha256Hex(configured));
    return undefined;
  }
  if (await store.settings.get(ADMIN_TOKEN_SETTING)) return undefined;
  const token = newOpaqueToken();
  const stored = await store.settings.putIfAbsent(ADMIN_TOKEN_SETTING, sha256Hex(token));
  // Another process may have won the race; then its token stands and ours is not valid.
  return stored === sha256Hex(token) ? token : undefined;
}
