/**
 * Refresh tokens (RFC 6749 §1.5, §6, §10.4; RFC 9700 §4.14): opaque strings of 256
 * random bits, stored only as SHA-256. Each belongs to a family — everything issued
 * from one code exchange — bound to the app, the user and the approval, with the scopes
 * granted then. Rotation and reuse detection live in refresh_rotation.ts, the policy in
 * refresh_policy.ts. Tokens are never logged.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerContext } from '../../context.ts';
import { sha256Hex } from '../../domain/hashing.ts';
import type { App, RefreshFamily, RefreshTokenRecord, User } from '../../domain/types.ts';
import type { FoundRefreshToken } from '../../store/interfaces.ts';
import { familyExpiresAt, offersRefreshToken, refreshPolicies } from './refresh_policy.ts';

/** Salesforce's refresh tokens start with `5Aep861`; ours do too, so they are recognisable. */
export const REFRESH_TOKEN_PREFIX = '5Aep861';

/** A new refresh token: the prefix and 256 random bits (RFC 6749 §10.10). */
export function newRefreshToken(): string {
  return REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function refreshTokenHash(token: string): string {
  return sha256Hex(token);
}

/** A fresh, unused token record of a family. */
export function tokenRecord(hash: string, familyId: string, parentHash: string | null, now: number) {
  const t: RefreshTokenRecord = {
    hash,
    familyId,
    parentHash,
    issuedAt: now,
    lastUsedAt: null,
    retiredAt: null,
    successorHash: null,
    graceSealed: null,
    graceUntil: null,
  };
  return t;
}

export interface StartFamilyInput {
  app: App;
  user: User;
  /** The approval the user gave for this grant; null for a pre-authorized user. */
  approvalId: string | null;
  /** The scopes granted; the family keeps them for its whole life (RFC 6749 §6). */
  scopes: string[];
}

export interface StartedFamily {
  /** The first refresh token of the family: give it to the client, never store or log it. */
  refreshToken: string;
  /** Pass as `familyId` with the access token issued next to it, so it is revoked with the family. */
  familyId: string;
}

/**
 * Starts a refresh family for a code exchange (authorization_code grant) and returns its
 * first token. Null when no refresh token is due: the granted scopes hold neither
 * `refresh_token` nor `offline_access`, or the app's policy is "immediately expire".
 */
export async function startRefreshFamily(
  ctx: ServerContext,
  input: StartFamilyInput,
): Promise<StartedFamily | null> {
  if (!offersRefreshToken(input.app, input.scopes)) return null;
  const now = ctx.now();
  const family: RefreshFamily = {
    id: randomUUID(),
    appId: input.app.id,
    userId: input.user.id,
    approvalId: input.approvalId,
    scopes: [...input.scopes],
    createdAt: now,
    expiresAt: familyExpiresAt(refreshPolicies(input.app), now),
    revokedAt: null,
  };
  const refreshToken = newRefreshToken();
  await ctx.store.refreshTokens.createFamily(
    family,
    tokenRecord(refreshTokenHash(refreshToken), family.id, null, now),
  );
  return { refreshToken, familyId: family.id };
}

/** The record and family of a presented refresh token, live or not. */
export async function findRefreshToken(
  ctx: ServerContext,
  token: string,
): Promise<FoundRefreshToken | undefined> {
  if (token.length === 0 || token.length > 512) return undefined;
  return ctx.store.refreshTokens.findByHash(refreshTokenHash(token));
}

/**
 * Revokes a family: its refresh tokens and the access tokens issued from it
 * (RFC 7009 §2.1; RFC 9700 §4.14.2 on reuse). True when it was live before.
 */
export async function revokeRefreshFamily(ctx: ServerContext, familyId: string): Promise<boolean> {
  return ctx.store.refreshTokens.revokeFamily(familyId, ctx.now());
}

/** Revoking an approval revokes the families issued under it. Returns how many were live. */
export async function revokeApprovalRefreshFamilies(ctx: ServerContext, approvalId: string): Promise<number> {
  return ctx.store.refreshTokens.revokeForApproval(approvalId, ctx.now());
}
