/**
 * Finding the token endpoint (and the introspection and authorization
 * endpoints) from an issuer: RFC 8414 §3 first, then OpenID Connect Discovery
 * 1.0 §4. Answers are kept for an hour per issuer.
 */
import { TokenEndpointError } from './errors.ts';
import { errorFromAnswer, getJson, type HttpContext } from './token_request.ts';
import type { AuthorizationServerMetadata } from './wire.ts';

const TTL_MS = 3600_000;
const cache = new Map<string, { at: number; value: Promise<AuthorizationServerMetadata> }>();

/** The metadata URLs to try for an issuer, in order. */
export function metadataUrls(issuer: string): string[] {
  const u = new URL(issuer);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  // RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.
  const rfc8414 = `${u.origin}/.well-known/oauth-authorization-server${path}`;
  // OpenID Connect Discovery §4.1: appended to the issuer.
  const oidc = `${u.origin}${path}/.well-known/openid-configuration`;
  return [rfc8414, oidc];
}

function sameIssuer(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

async function fetchMetadata(ctx: HttpContext, issuer: string): Promise<AuthorizationServerMetadata> {
  let last: TokenEndpointError | undefined;
  for (const url of metadataUrls(issuer)) {
    const a = await getJson(ctx, url);
    if (a.status !== 200) {
      last = errorFromAnswer(ctx, url, a);
      continue;
    }
    const m = a.body as AuthorizationServerMetadata | undefined;
    if (typeof m !== 'object' || m === null || typeof m.issuer !== 'string') {
      last = new TokenEndpointError(
        ctx.credential,
        url,
        200,
        `credential ${ctx.credential}: ${url}: not metadata`,
      );
      continue;
    }
    // RFC 8414 §3.3: the issuer in the document MUST be the one the URL was built from.
    if (!sameIssuer(m.issuer, issuer)) {
      throw new TokenEndpointError(
        ctx.credential,
        url,
        200,
        `credential ${ctx.credential}: ${url} names issuer ${m.issuer}, not ${issuer} (RFC 8414 §3.3)`,
      );
    }
    return m;
  }
  throw last!;
}

/** The issuer's metadata (cached for an hour; a failure is not cached). */
export function discover(
  ctx: HttpContext,
  issuer: string,
  now = Date.now(),
): Promise<AuthorizationServerMetadata> {
  const hit = cache.get(issuer);
  if (hit && now - hit.at < TTL_MS) return hit.value;
  const value = fetchMetadata(ctx, issuer);
  cache.set(issuer, { at: now, value });
  value.catch(() => {
    if (cache.get(issuer)?.value === value) cache.delete(issuer);
  });
  return value;
}
