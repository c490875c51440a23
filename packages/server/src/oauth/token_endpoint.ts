/**
 * The token endpoint's core (RFC 6749 §3.2): no HTTP objects in here. Parsed
 * parameters in; a token response or an OAuthError out; every attempt audited.
 */
import { createHmac } from 'node:crypto';
import { recordGrantAttempt } from '../audit/grant_audit.ts';
import type { ServerContext } from '../context.ts';
import { identityUrl } from '../context.ts';
import { authenticateClient, CLIENT_AUTH_PARAMETERS, readClientCredentials } from './client_auth.ts';
import { OAuthError } from './errors.ts';
import type { Grant, GrantRequest } from './grants/grant.ts';
import { grants } from './grants/index.ts';
import type { Params } from './params.ts';
import { issueAccessToken } from './tokens/access_token.ts';

export interface TokenRequestInput {
  params: Params;
  authorization: string | undefined;
  sourceIp: string | null;
}

/** Salesforce's token response plus the standard `expires_in` (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  signature?: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
  expires_in: number;
}

export async function handleTokenRequest(
  ctx: ServerContext,
  input: TokenRequestInput,
): Promise<TokenResponse> {
  const grantType = input.params.get('grant_type');
  // Attributed from the start, so even an unsupported grant type is credited to the client that asked.
  const audit: GrantRequest['audit'] = { clientId: input.params.get('client_id') };
  try {
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is missing');
    const grant = grants.get(grantType);
    if (!grant) throw new OAuthError('unsupported_grant_type', 'grant type not supported');

    const creds = readClientCredentials(input.params, input.authorization);
    audit.clientId = creds.clientId;
    // Never a token that was not recorded: while audit events cannot be written (a failing
    // write-behind flush, store/audit_write_behind.ts) nothing is issued — the same 503 as a
    // store outage, before any store work, so no single-use assertion is spent on it.
    if (ctx.store.audit.healthy === false) throw auditUnavailable();
    const client = await authenticateClient(ctx, creds);
    if (!client && grant.clientAuthentication === 'required') {
      throw new OAuthError('invalid_client', 'client authentication is required');
    }

    // Only declared parameters reach the grant (unknown ones are ignored, RFC 6749 §3.2).
    const keep = declaredParameters(grant);
    const params = new Map([...input.params].filter(([k]) => keep.has(k)));
    const result = await grant.handle(ctx, { params, client, audit, sourceIp: input.sourceIp });
    audit.clientId = result.app.clientId;
    audit.userId = result.user.id;
    audit.username = result.user.username;

    const issued =
      result.accessToken ??
      (await issueAccessToken(ctx, {
        app: result.app,
        user: result.user,
        scopes: result.scopes,
        grantType,
        ext: result.ext ?? null,
        familyId: result.familyId,
      }));
    const id = identityUrl(ctx.settings, ctx.orgId, result.user.id);
    const issuedAt = String(issued.record.issuedAt);
    const body: TokenResponse = {
      access_token: issued.token,
      ...(result.refreshToken ? { refresh_token: result.refreshToken } : {}),
      // Salesforce's `signature`: HMAC-SHA256 of id + issued_at keyed by the client secret,
      // so it can only be given when the client presented its secret.
      ...(client?.secret ? { signature: hmacSignature(client.secret, id, issuedAt) } : {}),
      scope: result.scopes.join(' '),
      instance_url: ctx.settings.issuer,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
      expires_in: issued.expiresIn,
    };
    await recordGrantAttempt(ctx, {
      grantType,
      audit,
      sourceIp: input.sourceIp,
      error: null,
      tokenId: issued.record.id,
    });
    return body;
  } catch (err) {
    await recordGrantAttempt(ctx, {
      grantType: grantType ?? null,
      audit,
      sourceIp: input.sourceIp,
      error: err,
    });
    throw err;
  }
}

function auditUnavailable(): OAuthError {
  return new OAuthError('temporarily_unavailable', 'the service is temporarily unavailable; retry later', {
    detail: 'audit events cannot be written',
  });
}

/** The parameters a grant may see: its own, grant_type, scope and client authentication's. */
const declared = new WeakMap<Grant, ReadonlySet<string>>();
function declaredParameters(grant: Grant): ReadonlySet<string> {
  let keep = declared.get(grant);
  if (!keep) {
    keep = new Set(['grant_type', 'scope', ...grant.parameters, ...CLIENT_AUTH_PARAMETERS]);
    declared.set(grant, keep);
  }
  return keep;
}

export function hmacSignature(secret: string, id: string, issuedAt: string): string {
  return createHmac('sha256', secret)
    .update(id + issuedAt)
    .digest('base64');
}
