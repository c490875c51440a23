/**
 * Connected apps: validation of admin input and the rules of creation and change.
 * Shared by the admin API, the CLI (through the API) and the demo bootstrap.
 */
import type { ServerContext } from '../context.ts';
import { sha256Hex } from '../domain/hashing.ts';
import { KeyPrefix, newClientId, newClientSecret, newId } from '../domain/ids.ts';
import type {
  ApiPolicies,
  App,
  AppCertificate,
  AppPolicies,
  AppSecret,
  RefreshTokenPolicies,
} from '../domain/types.ts';
import { parseCertificatePem } from '../keys/x509.ts';
import { OAuthError } from '../oauth/errors.ts';
import { isScopeToken } from '../oauth/scopes.ts';
import { REFRESH_TOKEN_DEFAULTS } from '../oauth/tokens/refresh_policy.ts';
import { asObject, bad, bool, int, type Json, oneOf, onlyKeys, str, strArray } from './validate.ts';

export const DEFAULT_POLICIES: AppPolicies = {
  permittedUsers: 'all_users',
  clientCredentials: { enabled: false, runAs: null },
  // Salesforce's default session timeout is 2 hours.
  accessToken: { format: 'opaque', ttlSeconds: 7200 },
  refreshToken: { ...REFRESH_TOKEN_DEFAULTS },
  assertion: { maxLifetimeSeconds: 300, allowTokenEndpointAudience: false, allowSha1: false },
  // Salesforce's Developer Edition allows 15,000 API requests per 24 hours.
  api: { dailyLimit: 15000 },
};

/** The app's API policies, defaults filling in for apps stored before they existed. */
export function apiPolicies(app: App): ApiPolicies {
  return { ...DEFAULT_POLICIES.api!, ...app.policies.api };
}

const APP_FIELDS = [
  'name',
  'scopes',
  'callbackUrls',
  'certificates',
  'permittedUsers',
  'clientCredentials',
  'accessToken',
  'refreshToken',
  'assertion',
  'api',
] as const;

function scopes(v: unknown): string[] {
  const list = strArray(v, 'scopes');
  list.forEach((s, i) => {
    if (!isScopeToken(s)) throw bad(`scopes[${i}]`, 'is not a valid scope token (RFC 6749 §3.3)');
  });
  return [...new Set(list)];
}

function callbackUrls(v: unknown): string[] {
  return strArray(v, 'callbackUrls').map((u, i) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw bad(`callbackUrls[${i}]`, 'must be an absolute URL');
    }
    // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment.
    if (url.hash) throw bad(`callbackUrls[${i}]`, 'must not contain a fragment');
    return u;
  });
}

/** Applies a (partial) policy patch over `base`, validating every field. */
function policies(o: Json, base: AppPolicies): AppPolicies {
  const p: AppPolicies = structuredClone(base);
  if (o.permittedUsers !== undefined) {
    p.permittedUsers = oneOf(o.permittedUsers, 'permittedUsers', ['all_users', 'admin_approved'] as const);
  }
  if (o.clientCredentials !== undefined) {
    const cc = asObject(o.clientCredentials, 'clientCredentials');
    onlyKeys(cc, ['enabled', 'runAs'], 'clientCredentials');
    if (cc.enabled !== undefined) p.clientCredentials.enabled = bool(cc.enabled, 'clientCredentials.enabled');
    if (cc.runAs !== undefined) {
      p.clientCredentials.runAs = cc.runAs === null ? null : str(cc.runAs, 'clientCredentials.runAs');
    }
  }
  if (o.accessToken !== undefined) {
    const at = asObject(o.accessToken, 'accessToken');
    onlyKeys(at, ['format', 'ttlSeconds'], 'accessToken');
    if (at.format !== undefined)
      p.accessToken.format = oneOf(at.format, 'accessToken.format', ['opaque', 'jwt'] as const);
    if (at.ttlSeconds !== undefined)
      p.accessToken.ttlSeconds = int(at.ttlSeconds, 'accessToken.ttlSeconds', 60, 86400);
  }
  if (o.refreshToken !== undefined) p.refreshToken = refreshTokenPolicies(o.refreshToken, p.refreshToken);
  if (o.assertion !== undefined) {
    const a = asObject(o.assertion, 'assertion');
    onlyKeys(a, ['maxLifetimeSeconds', 'allowTokenEndpointAudience', 'allowSha1'], 'assertion');
    if (a.maxLifetimeSeconds !== undefined) {
      p.assertion.maxLifetimeSeconds = int(a.maxLifetimeSeconds, 'assertion.maxLifetimeSeconds', 10, 3600);
    }
    if (a.allowTokenEndpointAudience !== undefined) {
      p.assertion.allowTokenEndpointAudience = bool(
        a.allowTokenEndpointAudience,
        'assertion.allowTokenEndpointAudience',
      );
    }
    if (a.allowSha1 !== undefined) p.assertion.allowSha1 = bool(a.allowSha1, 'assertion.allowSha1');
  }
  if (o.api !== undefined) {
    const api = asObject(o.api, 'api');
    onlyKeys(api, ['dailyLimit'], 'api');
    p.api = { ...DEFAULT_POLICIES.api!, ...p.api };
    if (api.dailyLimit !== undefined)
      p.api.dailyLimit = int(api.dailyLimit, 'api.dailyLimit', 0, 1_000_000_000);
  }
  return p;
}

const TEN_YEARS = 10 * 365 * 86400;
/** The longest grace window: AWS Cognito's RetryGracePeriodSeconds and Okta allow 0–60 s. */
export const MAX_GRACE_SECONDS = 60;

/** Refresh token policies (RFC 6749 §6, RFC 9700 §4.14.2), patched over `base`. */
function refreshTokenPolicies(v: unknown, base: RefreshTokenPolicies): RefreshTokenPolicies {
  const rt = asObject(v, 'refreshToken');
  onlyKeys(
    rt,
    ['policy', 'seconds', 'rotate', 'requireSecret', 'graceSeconds', 'maxLifetimeSeconds'],
    'refreshToken',
  );
  const p: RefreshTokenPolicies = { ...base };
  if (rt.policy !== undefined) {
    p.policy = oneOf(rt.policy, 'refreshToken.policy', [
      'until_revoked',
      'immediately',
      'expire_after',
      'expire_if_unused',
    ] as const);
  }
  if (rt.seconds !== undefined) {
    p.seconds = rt.seconds === null ? null : int(rt.seconds, 'refreshToken.seconds', 60, TEN_YEARS);
  }
  if (rt.rotate !== undefined) p.rotate = bool(rt.rotate, 'refreshToken.rotate');
  if (rt.requireSecret !== undefined) p.requireSecret = bool(rt.requireSecret, 'refreshToken.requireSecret');
  if (rt.graceSeconds !== undefined) {
    p.graceSeconds = int(rt.graceSeconds, 'refreshToken.graceSeconds', 0, MAX_GRACE_SECONDS);
  }
  if (rt.maxLifetimeSeconds !== undefined) {
    p.maxLifetimeSeconds =
      rt.maxLifetimeSeconds === null
        ? null
        : int(rt.maxLifetimeSeconds, 'refreshToken.maxLifetimeSeconds', 60, TEN_YEARS);
  }
  if ((p.policy === 'expire_after' || p.policy === 'expire_if_unused') && p.seconds === null) {
    throw bad('refreshToken.seconds', `is required with policy ${p.policy}`);
  }
  const eff = { ...DEFAULT_POLICIES.refreshToken, ...p };
  // RFC 9700 §4.14.2: a public client's refresh tokens must be rotated (or sender-constrained).
  if (!eff.requireSecret && !eff.rotate) {
    throw bad('refreshToken.rotate', 'must be true when requireSecret is false (RFC 9700 §4.14.2)');
  }
  // The grace window re-sends a successor pair; only an authenticated client may get it.
  if ((eff.graceSeconds ?? 0) > 0 && !(eff.rotate && eff.requireSecret)) {
    throw bad('refreshToken.graceSeconds', 'needs rotate and requireSecret');
  }
  return p;
}

async function checkRunAs(ctx: ServerContext, p: AppPolicies): Promise<void> {
  const runAs = p.clientCredentials.runAs;
  if (runAs !== null && !(await ctx.store.users.findByUsername(runAs))) {
    throw bad('clientCredentials.runAs', `no user named ${runAs}`);
  }
  if (p.clientCredentials.enabled && runAs === null) {
    throw bad('clientCredentials.runAs', 'a run-as user is required when client credentials are enabled');
  }
}

export function certificateRecord(appId: string, pem: unknown, field: string, now: number): AppCertificate {
  const c = parseCertificatePem(str(pem, field, { max: 20000 }), field);
  return {
    appId,
    thumbprint: c.thumbprint,
    pem: c.pem,
    subject: c.subject,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    createdAt: now,
  };
}

export function newSecret(appId: string, now: number): { secret: string; record: AppSecret } {
  const secret = newClientSecret();
  return {
    secret,
    record: {
      id: newId(KeyPrefix.secret),
      appId,
      hash: sha256Hex(secret),
      hint: secret.slice(-4),
      createdAt: now,
    },
  };
}

export interface CreatedApp {
  app: App;
  /** Shown only once, at creation. */
  clientSecret: string;
  certificates: AppCertificate[];
}

export async function createApp(ctx: ServerContext, body: unknown): Promise<CreatedApp> {
  const o = asObject(body, 'body');
  onlyKeys(o, APP_FIELDS, '');
  const now = ctx.now();
  const id = newId(KeyPrefix.connectedApp);
  const p = policies(o, DEFAULT_POLICIES);
  await checkRunAs(ctx, p);
  const certs = o.certificates === undefined ? [] : strArray(o.certificates, 'certificates', 20);
  const certificates = certs.map((pem, i) => certificateRecord(id, pem, `certificates[${i}]`, now));
  if (new Set(certificates.map((c) => c.thumbprint)).size !== certificates.length) {
    throw bad('certificates', 'the same certificate is listed twice');
  }
  const app: App = {
    id,
    clientId: newClientId(),
    name: str(o.name, 'name'),
    scopes: o.scopes === undefined ? ['api'] : scopes(o.scopes),
    callbackUrls: o.callbackUrls === undefined ? [] : callbackUrls(o.callbackUrls),
    policies: p,
    createdAt: now,
    updatedAt: now,
  };
  const { secret, record } = newSecret(id, now);
  await ctx.store.apps.create(app, [record], certificates);
  return { app, clientSecret: secret, certificates };
}

export async function findAppOr404(ctx: ServerContext, clientId: string): Promise<App> {
  const app = await ctx.store.apps.findByClientId(clientId);
  if (!app) throw new OAuthError('not_found', 'no app with that client id');
  return app;
}

/** PATCH semantics: fields present are replaced (policies merge field by field). */
export async function updateApp(ctx: ServerContext, clientId: string, body: unknown): Promise<App> {
  const app = await findAppOr404(ctx, clientId);
  const o = asObject(body, 'body');
  onlyKeys(
    o,
    APP_FIELDS.filter((f) => f !== 'certificates'),
    '',
  );
  const p = policies(o, app.policies);
  await checkRunAs(ctx, p);
  const next: App = {
    ...app,
    name: o.name === undefined ? app.name : str(o.name, 'name'),
    scopes: o.scopes === undefined ? app.scopes : scopes(o.scopes),
    callbackUrls: o.callbackUrls === undefined ? app.callbackUrls : callbackUrls(o.callbackUrls),
    policies: p,
    updatedAt: ctx.now(),
  };
  await ctx.store.apps.update(next);
  return next;
}
