/**
 * Minting and resolving access tokens. Two formats, per app policy:
 * - opaque: `<15-char org id>!<256 random bits>`, stored only as SHA-256;
 * - jwt: RFC 9068 (`typ: at+jwt`), signed by the server key published at /id/keys.
 * Opaque tokens, and JWTs of a refresh family (authorization_code, refresh_token), are
 * recorded so they can be revoked (RFC 7009) and introspected (RFC 7662). JWTs issued without
 * a family (client_credentials, jwt-bearer, saml2-bearer) are stateless: no row; their `jti`
 * says so (`st-…`, covered by the signature, so it cannot be forged), the record is rebuilt
 * from the verified claims, and revocation is checked in memory (revocations.ts).
 */
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, type JWTPayload } from 'jose';
import type { ServerContext } from '../../context.ts';
import { sha256Hex } from '../../domain/hashing.ts';
import { newOpaqueToken, uuidv7 } from '../../domain/ids.ts';
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

/** The `jti` prefix of stateless JWT access tokens (a recorded token's `jti` is a UUIDv7). */
export const STATELESS_JTI_PREFIX = 'st-';

export const isStatelessJti = (jti: string): boolean => jti.startsWith(STATELESS_JTI_PREFIX);

/**
 * Issues an access token for a grant. A JWT without a refresh family is stateless (no row);
 * anything else is recorded.
 */
export async function issueAccessToken(ctx: ServerContext, input: IssueInput): Promise<IssuedAccessToken> {
  const stateless = input.app.policies.accessToken.format === 'jwt' && !input.familyId;
  const issued = mintAccessToken(ctx, input, { stateless });
  if (!stateless) await ctx.store.accessTokens.insert(issued.record);
  return issued;
}

/**
 * Makes an access token and its record without storing it, for a caller that stores
 * it in its own transaction (a refresh-token rotation, RFC 9700 §4.14.2). `stateless` (JWT
 * only): a `st-` jti and the claims the record is rebuilt from (`s2s_grant_type`, `s2s_iat_ms`).
 */
export function mintAccessToken(
  ctx: ServerContext,
  input: IssueInput,
  opts: { stateless?: boolean } = {},
): IssuedAccessToken {
  const now = ctx.now();
  const { format, ttlSeconds } = input.app.policies.accessToken;
  const stateless = format === 'jwt' && opts.stateless === true;
  const record: AccessTokenRecord = {
    // A recorded token's id is time-ordered (its issue time is no secret: `iat`, `issued_at`),
    // so its row lands at the end of the primary-key index (domain/ids.ts uuidv7).
    id: stateless ? `${STATELESS_JTI_PREFIX}${randomUUID()}` : uuidv7(now),
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
        // Private claims (RFC 7519 §4.3) of a stateless token: what its record needs that the
        // registered ones lack — the grant, and the issue time to the millisecond (the
        // per-(app, user) revocation cutoff, revocations.ts).
        ...(stateless ? { s2s_grant_type: input.grantType, s2s_iat_ms: now } : {}),
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
  const record = await findAccessTokenRecord(ctx, token);
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

/**
 * Finds the record of a presented token without judging whether it is live. A stateless JWT's
 * record is rebuilt from its verified claims, `revokedAt` set from the in-memory revocations.
 */
export async function findAccessTokenRecord(
  ctx: ServerContext,
  token: string,
): Promise<AccessTokenRecord | undefined> {
  if (looksLikeJwt(token)) {
    const claims = await verifyJwtAccessToken(ctx, token);
    if (claims === null) return undefined;
    const jti = claims.jti as string;
    return isStatelessJti(jti) ? statelessRecord(ctx, jti, claims) : ctx.store.accessTokens.findById(jti);
  }
  return ctx.store.accessTokens.findByHash(sha256Hex(token));
}

/**
 * Revokes a token found by findAccessTokenRecord (RFC 7009 §2.1): a recorded one in its row, a
 * stateless one in the revocation list until it expires. False when it was revoked already.
 */
export async function revokeAccessToken(ctx: ServerContext, record: AccessTokenRecord): Promise<boolean> {
  if (isStatelessJti(record.id)) return ctx.revocations.revokeToken(record.id, record.expiresAt);
  return ctx.store.accessTokens.revoke(record.id, ctx.now());
}

/**
 * The record of a stateless JWT from its claims (signature, typ, iss, aud and exp already
 * verified, RFC 9068 §4). The app is found by `client_id`, through the read cache. Undefined
 * when a claim it needs is missing (we never sign such a token) or the app is gone.
 */
async function statelessRecord(
  ctx: ServerContext,
  jti: string,
  c: JWTPayload,
): Promise<AccessTokenRecord | undefined> {
  const { sub, client_id, scope, iat, exp, s2s_grant_type, s2s_iat_ms, ext } = c;
  if (
    typeof sub !== 'string' ||
    typeof client_id !== 'string' ||
    typeof scope !== 'string' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    typeof s2s_grant_type !== 'string' ||
    typeof s2s_iat_ms !== 'number' ||
    Math.floor(s2s_iat_ms / 1000) !== iat
  )
    return undefined;
  const app = await ctx.store.apps.findByClientId(client_id);
  if (!app) return undefined;
  return {
    id: jti,
    tokenHash: null,
    format: 'jwt',
    appId: app.id,
    userId: sub,
    scopes: scope === '' ? [] : scope.split(' '),
    grantType: s2s_grant_type,
    ext: ext && typeof ext === 'object' && !Array.isArray(ext) ? (ext as Record<string, unknown>) : null,
    issuedAt: s2s_iat_ms,
    expiresAt: exp * 1000,
    revokedAt: ctx.revocations.revokedAt(jti, app.id, sub, s2s_iat_ms),
  };
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
