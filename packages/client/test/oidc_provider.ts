/**
 * node-oidc-provider (npm `oidc-provider`, a server nobody here wrote) on
 * loopback, configured for client_credentials (client_secret_basic and
 * private_key_jwt), the authorization-code flow with PKCE, and refresh tokens
 * with rotation (each refresh token is single-use; reuse revokes the grant).
 * Token requests are counted by the provider's own events.
 */
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { KeyPair } from './helpers.ts';

export interface TokenEvent {
  grantType: string;
  ok: boolean;
  error?: string;
}

export interface OidcServer {
  issuer: string;
  tokenEndpoint: string;
  events: TokenEvent[];
  count(grantType: string, ok?: boolean): number;
  close(): Promise<void>;
}

export const CC_BASIC = { id: 'cc-basic', secret: 'cc-basic-secret-0123456789abcdef0123456789' };
export const CC_JWT = { id: 'cc-jwt' };
export const WEB = {
  id: 'web-app',
  secret: 'web-app-secret-0123456789abcdef0123456789',
  redirect: 'http://127.0.0.1/callback',
};

export async function startOidcProvider(
  key: KeyPair,
  opts: { accessTokenTtl?: number } = {},
): Promise<OidcServer> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jwk = { ...createPublicKey(key.certificatePem).export({ format: 'jwk' }), use: 'sig', alg: 'RS256' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CC_BASIC.id,
        client_secret: CC_BASIC.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: CC_JWT.id,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        jwks: { keys: [jwk] },
      },
      {
        client_id: WEB.id,
        client_secret: WEB.secret,
        application_type: 'native', // loopback redirect on any port (RFC 8252 §7.3)
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [WEB.redirect],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      devInteractions: { enabled: true },
    },
    scopes: ['openid', 'offline_access'],
    // Strict rotation: every refresh returns a new refresh token and consumes the old one.
    rotateRefreshToken: true,
    ttl: {
      AccessToken: opts.accessTokenTtl ?? 3600,
      ClientCredentials: opts.accessTokenTtl ?? 600,
      RefreshToken: 86400,
      AuthorizationCode: 60,
      Grant: 86400,
      Interaction: 600,
      Session: 86400,
    },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    cookies: { keys: ['interop-test-cookie-key-0123456789'] },
  });
  const events: TokenEvent[] = [];
  const grantType = (ctx: { oidc: { params?: Record<string, unknown> } }) =>
    String(ctx.oidc.params?.grant_type ?? '?');
  provider.on('grant.success', (ctx) => events.push({ grantType: grantType(ctx), ok: true }));
  provider.on('grant.error', (ctx, err) =>
    events.push({ grantType: grantType(ctx), ok: false, error: err.error }),
  );
  server.on('request', provider.callback());
  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    events,
    count: (g, ok) => events.filter((e) => e.grantType === g && (ok === undefined || e.ok === ok)).length,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * Plays the user at the provider's development login and consent pages: opens
 * the authorization URL, signs in as `account`, consents, and returns the URL
 * the browser would be sent back to (with `code` and `state`).
 */
export async function browserLogin(authorizationUrl: string, account: string): Promise<string> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  let url = authorizationUrl;
  let form: Record<string, string> | undefined;
  for (let step = 0; step < 12; step++) {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: cookie(),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    remember(res);
    form = undefined;
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url).href;
      if (next.startsWith(WEB.redirect.replace('/callback', '')) && new URL(next).pathname === '/callback') {
        return next;
      }
      url = next;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`login step ${step}: HTTP ${res.status}: ${html.slice(0, 300)}`);
    // The dev pages post back to the same URL with a `prompt` of login or consent.
    form = html.includes('name="login"')
      ? { prompt: 'login', login: account, password: 'x' }
      : { prompt: 'consent' };
  }
  throw new Error('login did not finish');
}
