/**
 * Prepares an s2s-oauth database for the bench, in this process, before the server is
 * started on it: a run-as user, one app per scenario with a fixed client id (so the
 * pre-signed assertions fit every database), and refresh-token families whose first tokens
 * are known.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULTS } from '../../packages/server/src/config/index.ts';
import { newRefreshToken, refreshTokenHash } from '../../packages/server/src/oauth/tokens/refresh_token.ts';
import { startServer } from '../../packages/server/src/server.ts';
import { createApp } from '../../packages/server/src/services/apps.ts';
import { addPreauthorization } from '../../packages/server/src/services/preauthorizations.ts';
import { createUser } from '../../packages/server/src/services/users.ts';

export const RUN_AS = 'runner@bench.local';
export const CLIENT = {
  ccOpaque: 'bench-cc-opaque',
  ccJwt: 'bench-cc-jwt',
  jwtBearer: 'bench-jwt-bearer',
  refresh: 'bench-refresh',
} as const;

export interface S2sBenchSetup {
  secrets: Record<string, string>;
  refreshTokens: string[];
}

const HIGH_LIMIT = { dailyLimit: 1_000_000_000 };

export async function setupS2s(
  databaseUrl: string,
  opts: { assertionCertPem: string; families: number },
): Promise<S2sBenchSetup> {
  const server = await startServer({
    ...DEFAULTS,
    port: 0,
    host: '127.0.0.1',
    databaseUrl,
    demo: false,
    adminToken: randomBytes(24).toString('base64url'),
    logLevel: 'silent',
  });
  try {
    const ctx = server.ctx;
    const user = await createUser(ctx, { username: RUN_AS, profile: 'System Administrator' });
    const secrets: Record<string, string> = {};
    const app = async (clientId: string, body: Record<string, unknown>) => {
      const created = await createApp(ctx, {
        name: clientId,
        scopes: ['api', 'refresh_token'],
        api: HIGH_LIMIT,
        ...body,
      });
      const fixed = { ...created.app, clientId };
      await ctx.store.apps.update(fixed);
      secrets[clientId] = created.clientSecret;
      await addPreauthorization(ctx, clientId, { username: RUN_AS });
      return fixed;
    };
    const cc = { enabled: true, runAs: RUN_AS };
    await app(CLIENT.ccOpaque, {
      clientCredentials: cc,
      accessToken: { format: 'opaque', ttlSeconds: 3600 },
      permittedUsers: 'admin_approved',
    });
    await app(CLIENT.ccJwt, {
      clientCredentials: cc,
      accessToken: { format: 'jwt', ttlSeconds: 3600 },
      permittedUsers: 'admin_approved',
    });
    await app(CLIENT.jwtBearer, {
      certificates: [opts.assertionCertPem],
      accessToken: { format: 'jwt', ttlSeconds: 3600 },
      permittedUsers: 'admin_approved',
      assertion: { maxLifetimeSeconds: 3600 },
    });
    const refreshApp = await app(CLIENT.refresh, {
      accessToken: { format: 'jwt', ttlSeconds: 3600 },
      permittedUsers: 'admin_approved',
      refreshToken: { policy: 'until_revoked', rotate: true, requireSecret: true },
    });
    const refreshTokens: string[] = [];
    const now = ctx.now();
    for (let i = 0; i < opts.families; i++) {
      const token = newRefreshToken();
      const id = randomUUID();
      await ctx.store.refreshTokens.createFamily(
        {
          id,
          appId: refreshApp.id,
          userId: user.id,
          approvalId: null,
          scopes: ['api', 'refresh_token'],
          createdAt: now,
          expiresAt: null,
          revokedAt: null,
        },
        {
          hash: refreshTokenHash(token),
          familyId: id,
          parentHash: null,
          issuedAt: now,
          lastUsedAt: null,
          retiredAt: null,
          successorHash: null,
          graceSealed: null,
          graceUntil: null,
        },
      );
      refreshTokens.push(token);
    }
    return { secrets, refreshTokens };
  } finally {
    await server.close();
  }
}
