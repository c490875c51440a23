/**
 * Minting and resolving access tokens. Two formats, per app policy:
 * - opaque: `<15-char org id>!<256 random bits>`, stored only as SHA-256;
 * - jwt: RFC 9068 (`typ: at+jwt`), signed by the server key published at /id/keys.
 * Both are recorded so they can be revoked (RFC 7009) and introspected (RFC 7662).
 */
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import type { ServerContext } from '../../context.ts';
import { sha256Hex } from '../../domain/hashing.ts';
import { newOpaqueToken } from '../../domain/ids.ts';
import type { AccessTokenRecord, App, User } from '../../domain/types.ts';
import { verifyJwtAccessToken } from './jwt_verify.ts';

export interface IssueInput {
  app: App;
  user: User;
  scopes: string[];
  grantType: string;
  ext?: Record<string, unknown> | null;
  /** The refresh family it belongs to: revoking the family revokes it (RFC 7009 §2.1). */
  familyId?: string;
}

export interface IssuedAccessToken {
  token: string;
  record: AccessTokenRecord;
  expiresIn: number;
}

export async function issueAccessToken(ctx: ServerContext, input: IssueInput): Promise<IssuedAccessToken> {
  const issued = mintAccessToken(ctx, input);
  await ctx.store.accessTokens.insert(issued.record);
  return issued;
}

/**
 * Makes an access token and its record without storing it, for a caller that stores
 * it in its own transaction (a refresh-token rotation, RFC 9700 §4.14.2).
 */
export function mintAccessToken(ctx: ServerContext, input: IssueInput): IssuedAccessToken {
  const now = ctx.now();
  const { format, ttlSeconds } = input.app.policies.accessToken;
  const record: AccessTokenRecord = {
    id: randomUUID(),
    tokenHash: null,
    format,
    appId: input.app.id,
    userId: input.user.id,
    scopes: input.scopes,
    grantType: input.grantType,
    ext: input.ext && Object.keys(input.ext).length > 0 ? input.ext : null,
    issuedAt: now,
    expiresAt: now + ttlSeconds * 1000,
    revokedAt: null,
    ...(input.familyId ? { familyId: input.familyId } : {}),
  };
  let token: string;
  if (format === 'jwt') {
    const iat = Math.floor(now / 1000);
    // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti; scope per §2.2.3.
    token = ctx.keys.signJwt(
      {
        iss: ctx.settings.issuer,
        sub: input.user.id,
        aud: ctx.settings.issuer,
        client_id: input.app.clientId,
        scope: input.scopes.join(' '),
        iat,
        exp: iat + ttlSeconds,
        jti: record.id,
        organization_id: ctx.orgId,
        ...(record.ext ? { ext: record.ext } : {}),
      },
      'at+jwt',
    );
  } else {
    token = `${ctx.orgId.slice(0, 15)}!${newOpaqueToken()}`;
    record.tokenHash = sha256Hex(token);
  }
  return { token, record, expiresIn: ttlSeconds };
}

export type ResolveFailure = 'malformed' | 'unknown' | 'expired' | 'revoked' | 'inactive_user';

export type Resolved =
  | { ok: true; record: AccessTokenRecord; user: User; app: App }
  | { ok: false; reason: ResolveFailure };

/** Finds the live token behind a presented bearer string, whatever its format. */
export async function resolveAccessToken(ctx: ServerContext, token: string): Promise<Resolved> {
  if (token.length === 0 || token.length > 8192) return { ok: false, reason: 'malformed' };
  let record: AccessTokenRecord | undefined;
  if (looksLikeJwt(token)) {
    const jti = await verifyJwtAccessToken(ctx, token);
    if (jti === null) return { ok: false, reason: 'unknown' };
    record = await ctx.store.accessTokens.findById(jti);
  } else {
    record = await ctx.store.accessTokens.findByHash(sha256Hex(token));
  }
  if (!record) return { ok: false, reason: 'unknown' };
  return checkLive(ctx, record);
}

/** Resolves a token record that was found by other means (revocation, introspection). */
export async function checkLive(ctx: ServerContext, record: AccessTokenRecord): Promise<Resolved> {
  if (record.revokedAt !== null) return { ok: false, reason: 'revoked' };
  if (record.expiresAt <= ctx.now()) return { ok: false, reason: 'expired' };
  const [user, app] = await Promise.all([
    ctx.store.users.findById(record.userId),
    ctx.store.apps.findById(record.appId),
  ]);
  if (!app || !user) return { ok: false, reason: 'unknown' };
  if (!user.active) return { ok: false, reason: 'inactive_user' };
  return { ok: true, record, user, app };
}

/** Finds the record of a presented token without judging whether it is live. */
export async function findAccessTokenRecord(
  ctx: ServerContext,
  token: string,
): Promise<AccessTokenRecord | undefined> {
  if (looksLikeJwt(token)) {
    const jti = await verifyJwtAccessToken(ctx, token);
    return jti === null ? undefined : ctx.store.accessTokens.findById(jti);
  }
  return ctx.store.accessTokens.findByHash(sha256Hex(token));
}

function looksLikeJwt(token: string): boolean {
  if (token.split('.').length !== 3) return false;
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}
