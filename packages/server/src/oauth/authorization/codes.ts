/**
 * Issuing authorization codes (RFC 6749 §4.1.2): 256 random bits, stored only as SHA-256,
 * bound to the app, the user, the redirect URI, the scopes and the PKCE challenge, and valid
 * for 60 seconds (RFC 6749 §4.1.2 asks for a short lifetime, 10 minutes at most).
 */
import { randomBytes } from 'node:crypto';
import type { ServerContext } from '../../context.ts';
import { sha256Hex } from '../../domain/hashing.ts';
import type { User } from '../../domain/types.ts';
import type { AuthorizationRequest } from './request.ts';

export const CODE_TTL_MS = 60_000;
/** Used codes are kept a day after expiry, so a late second use still revokes what they issued. */
const KEEP_AFTER_EXPIRY_MS = 86_400_000;

export async function issueAuthorizationCode(
  ctx: ServerContext,
  req: AuthorizationRequest,
  user: User,
  approvalId: string | null,
): Promise<string> {
  const now = ctx.now();
  const code = randomBytes(32).toString('base64url');
  await ctx.store.authorizationCodes.insert({
    codeHash: sha256Hex(code),
    appId: req.app.id,
    userId: user.id,
    approvalId,
    redirectUri: req.redirectUri,
    scopes: req.scopes,
    codeChallenge: req.codeChallenge,
    createdAt: now,
    expiresAt: now + CODE_TTL_MS,
    consumedAt: null,
    accessTokenId: null,
    refreshFamilyId: null,
    reusedAt: null,
  });
  // Housekeeping in small bounded steps, so the table never grows without limit.
  await ctx.store.authorizationCodes.purgeExpired(now - KEEP_AFTER_EXPIRY_MS, 100);
  return code;
}
