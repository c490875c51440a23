/** One app and one user written straight through the store, for tests below the HTTP layer. */
import { KeyPrefix, newClientId, newId } from '../src/domain/ids.ts';
import type { AccessTokenRecord } from '../src/domain/types.ts';
import type { Store } from '../src/store/interfaces.ts';

export async function seedAppAndUser(
  s: Store,
  label: string,
  at: number,
): Promise<{ appId: string; userId: string }> {
  const appId = newId(KeyPrefix.connectedApp);
  const userId = newId(KeyPrefix.user);
  await s.apps.create(
    {
      id: appId,
      clientId: newClientId(),
      name: label,
      scopes: ['api'],
      callbackUrls: [],
      policies: {
        permittedUsers: 'all_users',
        clientCredentials: { enabled: false, runAs: null },
        accessToken: { format: 'opaque', ttlSeconds: 60 },
        refreshToken: { policy: 'until_revoked', seconds: null, rotate: true },
        assertion: { maxLifetimeSeconds: 300 },
      },
      createdAt: at,
      updatedAt: at,
    },
    [],
    [],
  );
  await s.users.create({
    id: userId,
    username: `${label}@example.com`,
    passwordHash: null,
    email: null,
    firstName: null,
    lastName: null,
    profile: 'Standard User',
    active: true,
    createdAt: at,
    updatedAt: at,
  });
  return { appId, userId };
}

/** An opaque access token's record for the seeded app and user, issued at `at`, live an hour. */
export function opaqueTokenRecord(
  owner: { appId: string; userId: string },
  at: number,
  over: Partial<AccessTokenRecord> = {},
): AccessTokenRecord {
  const id = newId(KeyPrefix.user);
  return {
    id,
    tokenHash: `hash-${id}`,
    format: 'opaque',
    appId: owner.appId,
    userId: owner.userId,
    scopes: ['api'],
    grantType: 'client_credentials',
    ext: null,
    issuedAt: at,
    expiresAt: at + 3_600_000,
    revokedAt: null,
    ...over,
  };
}
