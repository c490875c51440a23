/**
 * The named credential: everything needed to get, keep and renew an access
 * token for one integration, and its validation. Plain data (JSON-safe), so a
 * credential can be saved and loaded (the CLI does), and checked in one place.
 */
import { CredentialConfigError } from './errors.ts';

/** How tokens are obtained (and re-obtained). */
export type Flow =
  | 'jwt_bearer'
  | 'saml2_bearer'
  | 'client_credentials'
  | 'refresh_token'
  | 'authorization_code';

export const FLOWS: readonly Flow[] = [
  'jwt_bearer',
  'saml2_bearer',
  'client_credentials',
  'refresh_token',
  'authorization_code',
];

/** Client authentication at the token endpoint (RFC 6749 §2.3.1; RFC 7523 §2.2; RFC 6749 §2.1 public clients). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
];

export interface CredentialConfig {
  /** A name for the credential: letters, digits and `._@-`, up to 128 characters. */
  name: string;
  flow: Flow;
  /** The token endpoint. When absent, it is discovered from `issuer` (RFC 8414, OpenID Discovery). */
  tokenEndpoint?: string;
  /** The authorization server's issuer identifier (RFC 8414 §2). */
  issuer?: string;
  clientId: string;
  /** Default: `client_secret_basic` with a secret; `private_key_jwt` for client_credentials with a key; else `none`. */
  clientAuthMethod?: ClientAuthMethod;
  clientSecret?: string;
  /** PKCS#8 or PKCS#1 PEM (RSA, EC or Ed25519); or `privateKeyFile`. */
  privateKey?: string;
  privateKeyFile?: string;
  privateKeyPassphrase?: string;
  /** X.509 PEM of the signing key; required for SAML, optional for JWT (adds `x5t#S256`). */
  certificate?: string;
  certificateFile?: string;
  /** JWS `kid` header value. */
  keyId?: string;
  /** JWS algorithm; default from the key (RS256, ES256/384/512, EdDSA). */
  signingAlgorithm?: string;
  /** The user the assertion speaks for (`sub`, SAML NameID): the username. */
  subject?: string;
  /** Assertion audience; default: `issuer`, else the token endpoint URL (RFC 7523 §3). */
  audience?: string;
  /** `aud` of private_key_jwt client assertions; default: `issuer`, else the token endpoint URL. */
  clientAssertionAudience?: string;
  scopes?: string[];
  /** Assertion lifetime in seconds (default 120, as Salesforce Named Credentials). */
  assertionLifetimeSeconds?: number;
  /** Extra JWT claims in the grant assertion. */
  claims?: Record<string, unknown>;
  /** SAML attributes in the grant assertion. */
  samlAttributes?: Record<string, string | string[]>;
  /** Extra token-request parameters (e.g. `resource`, `audience`), sent with every request, re-fetches included. */
  tokenParams?: Record<string, string | string[]>;
  /** The first refresh token (refresh_token flow); a rotated one is kept in the token store. */
  refreshToken?: string;
  /** authorization_code: where the user logs in (or discovered from `issuer`). */
  authorizationEndpoint?: string;
  redirectUri?: string;
  /** Extra authorization-request parameters (e.g. `prompt: consent` for `offline_access` in OpenID Connect). */
  authorizationParams?: Record<string, string>;
  /** Renew this long before expiry (default 60 s; never more than half the token's lifetime). */
  refreshMarginSeconds?: number;
  /** Token lifetime to assume when the response has no `expires_in` and introspection is not used. */
  tokenLifetimeSeconds?: number;
  /** When `expires_in` is absent, ask the introspection endpoint (RFC 7662) for `exp`. */
  introspect?: boolean;
  introspectionEndpoint?: string;
  /** Base for relative URLs given to `fetch`; default: the token response's `instance_url`. */
  instanceUrl?: string;
  /** Besides 401: more statuses, and body substrings of error responses, that mean "get a new token". */
  refreshOn?: { statuses?: number[]; bodyIncludes?: string[] };
  /** What `fetch` does with a streamed request body: keep a copy for the retry (default) or refuse to retry. */
  streamBodies?: 'buffer' | 'refuse';
  /** Token, introspection and discovery request timeout (default 30 s). */
  requestTimeoutSeconds?: number;
}

/** A validated credential with its defaults filled in. */
export interface Credential extends CredentialConfig {
  clientAuthMethod: ClientAuthMethod;
  scopes: string[];
  assertionLifetimeSeconds: number;
  claims: Record<string, unknown>;
  samlAttributes: Record<string, string | string[]>;
  tokenParams: Record<string, string | string[]>;
  refreshMarginSeconds: number;
  introspect: boolean;
  refreshOn: { statuses: number[]; bodyIncludes: string[] };
  streamBodies: 'buffer' | 'refuse';
  requestTimeoutSeconds: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** Claims the signer sets itself (RFC 7523 §3): fresh `iat`, `exp` and `jti` every time. */
const RESERVED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti']);

/** Parameters the flows and client authentication own (RFC 6749 §4, §6; RFC 7521 §4.2). */
const RESERVED_PARAMS = new Set([
  'grant_type',
  'assertion',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'refresh_token',
  'code',
  'code_verifier',
  'redirect_uri',
  'scope',
]);

/** Parameters of the authorization request the flow sets itself (RFC 6749 §4.1.1; RFC 7636 §4.3). */
const RESERVED_AUTHORIZATION_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
]);

const KNOWN_FIELDS = new Set<string>([
  'name',
  'flow',
  'tokenEndpoint',
  'issuer',
  'clientId',
  'clientAuthMethod',
  'clientSecret',
  'privateKey',
  'privateKeyFile',
  'privateKeyPassphrase',
  'certificate',
  'certificateFile',
  'keyId',
  'signingAlgorithm',
  'subject',
  'audience',
  'clientAssertionAudience',
  'scopes',
  'assertionLifetimeSeconds',
  'claims',
  'samlAttributes',
  'tokenParams',
  'refreshToken',
  'authorizationEndpoint',
  'redirectUri',
  'authorizationParams',
  'refreshMarginSeconds',
  'tokenLifetimeSeconds',
  'introspect',
  'introspectionEndpoint',
  'instanceUrl',
  'refreshOn',
  'streamBodies',
  'requestTimeoutSeconds',
]);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a credential and fills in defaults. Throws `CredentialConfigError`
 * naming the first field that is wrong.
 */
export function validateCredential(input: unknown): Credential {
  if (!isObj(input)) throw new CredentialConfigError('(unnamed)', 'credential', 'must be an object');
  const rawName = input.name;
  const name = typeof rawName === 'string' && NAME.test(rawName) ? rawName : undefined;
  const fail = (field: string, problem: string): never => {
    throw new CredentialConfigError(name ?? String(rawName ?? '(unnamed)'), field, problem);
  };
  if (name === undefined)
    fail('name', 'must be 1-128 letters, digits or ._@- (starting with a letter or digit)');
  for (const k of Object.keys(input)) if (!KNOWN_FIELDS.has(k)) fail(k, 'is not a credential field');

  const str = (field: string, opts: { required?: boolean } = {}): string | undefined => {
    const v = input[field];
    if (v === undefined) {
      if (opts.required) fail(field, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || v.length === 0) fail(field, 'must be a non-empty string');
    return v as string;
  };
  const url = (field: string): string | undefined => {
    const v = str(field);
    if (v === undefined) return undefined;
    let u: URL | undefined;
    try {
      u = new URL(v);
    } catch {
      fail(field, 'must be an absolute URL');
    }
    if (u!.protocol !== 'https:' && u!.protocol !== 'http:') fail(field, 'must be an http(s) URL');
    // RFC 6749 §3.2: the endpoint URI MUST NOT include a fragment.
    if (u!.hash) fail(field, 'must not contain a fragment');
    return v;
  };
  const num = (field: string, min: number, max: number): number | undefined => {
    const v = input[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      fail(field, `must be a number from ${min} to ${max}`);
    }
    return v as number;
  };

  const flow = input.flow;
  if (typeof flow !== 'string' || !FLOWS.includes(flow as Flow))
    fail('flow', `must be one of ${FLOWS.join(', ')}`);
  const f = flow as Flow;
  const c: Credential = {
    name: name as string,
    flow: f,
    clientId: str('clientId', { required: true }) as string,
    clientAuthMethod: 'none',
    scopes: [],
    assertionLifetimeSeconds: num('assertionLifetimeSeconds', 10, 3600) ?? 120,
    claims: {},
    samlAttributes: {},
    tokenParams: {},
    refreshMarginSeconds: num('refreshMarginSeconds', 0, 86400) ?? 60,
    introspect: false,
    refreshOn: { statuses: [], bodyIncludes: ['INVALID_SESSION_ID'] },
    streamBodies: 'buffer',
    requestTimeoutSeconds: num('requestTimeoutSeconds', 1, 600) ?? 30,
  };
  const put = <K extends keyof CredentialConfig>(k: K, v: CredentialConfig[K] | undefined) => {
    if (v !== undefined) c[k] = v as Credential[K];
  };
  put('tokenEndpoint', url('tokenEndpoint'));
  put('issuer', url('issuer'));
  if (c.tokenEndpoint === undefined && c.issuer === undefined) {
    fail('tokenEndpoint', 'or issuer is required');
  }
  for (const k of [
    'clientSecret',
    'privateKey',
    'privateKeyFile',
    'privateKeyPassphrase',
    'certificate',
    'certificateFile',
    'keyId',
    'signingAlgorithm',
    'subject',
    'refreshToken',
  ] as const) {
    put(k, str(k));
  }
  put('audience', str('audience'));
  put('clientAssertionAudience', str('clientAssertionAudience'));
  put('authorizationEndpoint', url('authorizationEndpoint'));
  put('redirectUri', url('redirectUri'));
  put('introspectionEndpoint', url('introspectionEndpoint'));
  const instanceUrl = url('instanceUrl');
  if (instanceUrl !== undefined) c.instanceUrl = instanceUrl.replace(/\/+$/, '');
  put('tokenLifetimeSeconds', num('tokenLifetimeSeconds', 1, 366 * 86400));

  if (input.privateKey !== undefined && input.privateKeyFile !== undefined) {
    fail('privateKey', 'and privateKeyFile cannot both be given');
  }
  if (input.certificate !== undefined && input.certificateFile !== undefined) {
    fail('certificate', 'and certificateFile cannot both be given');
  }
  const hasKey = c.privateKey !== undefined || c.privateKeyFile !== undefined;
  const hasCert = c.certificate !== undefined || c.certificateFile !== undefined;

  if (input.scopes !== undefined) {
    const s = input.scopes;
    // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
    if (
      !Array.isArray(s) ||
      !s.every((x) => typeof x === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(x))
    ) {
      fail('scopes', 'must be a list of scope tokens (RFC 6749 §3.3)');
    }
    c.scopes = [...new Set(s as string[])];
  }
  if (input.claims !== undefined) {
    if (!isObj(input.claims)) fail('claims', 'must be an object');
    for (const k of Object.keys(input.claims as Obj)) {
      if (RESERVED_CLAIMS.has(k)) fail(`claims.${k}`, 'is set by the signer (use subject/audience)');
    }
    c.claims = { ...(input.claims as Obj) };
  }
  const stringMap = (
    field: 'samlAttributes' | 'tokenParams' | 'authorizationParams',
    reserved?: Set<string>,
  ) => {
    const v = input[field];
    if (v === undefined) return;
    if (!isObj(v)) fail(field, 'must be an object of strings or string lists');
    for (const [k, x] of Object.entries(v as Obj)) {
      const list =
        field !== 'authorizationParams' && Array.isArray(x) && x.every((y) => typeof y === 'string');
      if (typeof x !== 'string' && !list) {
        fail(
          `${field}.${k}`,
          field === 'authorizationParams' ? 'must be a string' : 'must be a string or a list of strings',
        );
      }
      if (reserved?.has(k)) fail(`${field}.${k}`, 'is set by the flow itself');
    }
    if (field === 'authorizationParams') c.authorizationParams = { ...(v as Record<string, string>) };
    else c[field] = { ...(v as Record<string, string | string[]>) };
  };
  stringMap('samlAttributes');
  stringMap('tokenParams', RESERVED_PARAMS);
  stringMap('authorizationParams', RESERVED_AUTHORIZATION_PARAMS);

  if (input.introspect !== undefined) {
    if (typeof input.introspect !== 'boolean') fail('introspect', 'must be true or false');
    c.introspect = input.introspect as boolean;
  }
  if (input.streamBodies !== undefined) {
    if (input.streamBodies !== 'buffer' && input.streamBodies !== 'refuse') {
      fail('streamBodies', 'must be "buffer" or "refuse"');
    }
    c.streamBodies = input.streamBodies as 'buffer' | 'refuse';
  }
  if (input.refreshOn !== undefined) {
    const r = input.refreshOn;
    if (!isObj(r)) fail('refreshOn', 'must be an object');
    const ro = r as Obj;
    for (const k of Object.keys(ro)) {
      if (k !== 'statuses' && k !== 'bodyIncludes') fail(`refreshOn.${k}`, 'is not a field');
    }
    if (ro.statuses !== undefined) {
      const s = ro.statuses;
      if (!Array.isArray(s) || !s.every((x) => Number.isInteger(x) && x >= 400 && x <= 599)) {
        fail('refreshOn.statuses', 'must be a list of HTTP error statuses (400-599)');
      }
      c.refreshOn.statuses = [...(s as number[])];
    }
    if (ro.bodyIncludes !== undefined) {
      const b = ro.bodyIncludes;
      if (!Array.isArray(b) || !b.every((x) => typeof x === 'string' && x.length > 0)) {
        fail('refreshOn.bodyIncludes', 'must be a list of non-empty strings');
      }
      c.refreshOn.bodyIncludes = [...(b as string[])];
    }
  }

  if (c.introspect && c.introspectionEndpoint === undefined && c.issuer === undefined) {
    fail('introspectionEndpoint', 'or issuer (to discover it) is required with introspect');
  }

  // Client authentication (RFC 6749 §2.3.1; RFC 7523 §2.2).
  const method = input.clientAuthMethod;
  if (method !== undefined && !CLIENT_AUTH_METHODS.includes(method as ClientAuthMethod)) {
    fail('clientAuthMethod', `must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
  }
  c.clientAuthMethod =
    (method as ClientAuthMethod | undefined) ??
    (c.clientSecret !== undefined
      ? 'client_secret_basic'
      : f === 'client_credentials' && hasKey
        ? 'private_key_jwt'
        : 'none');
  if (c.clientAuthMethod.startsWith('client_secret_') && c.clientSecret === undefined) {
    fail('clientSecret', `is required with ${c.clientAuthMethod}`);
  }
  if (c.clientAuthMethod === 'private_key_jwt' && !hasKey) {
    fail('privateKey', 'or privateKeyFile is required with private_key_jwt');
  }

  // What each flow needs.
  switch (f) {
    case 'jwt_bearer':
      if (!hasKey) fail('privateKey', 'or privateKeyFile is required for jwt_bearer (RFC 7523 §2.1)');
      if (c.subject === undefined) fail('subject', 'is required for jwt_bearer (the username)');
      break;
    case 'saml2_bearer':
      if (!hasKey) fail('privateKey', 'or privateKeyFile is required for saml2_bearer (RFC 7522 §2.1)');
      if (!hasCert) fail('certificate', 'or certificateFile is required for saml2_bearer');
      if (c.subject === undefined) fail('subject', 'is required for saml2_bearer (the username)');
      break;
    case 'client_credentials':
      // RFC 6749 §4.4.2: the client MUST authenticate.
      if (c.clientAuthMethod === 'none') {
        fail('clientAuthMethod', 'cannot be none for client_credentials (RFC 6749 §4.4.2)');
      }
      break;
    case 'refresh_token':
    case 'authorization_code':
      break;
  }
  if (f === 'authorization_code') {
    if (c.redirectUri === undefined) fail('redirectUri', 'is required for authorization_code');
    if (c.authorizationEndpoint === undefined && c.issuer === undefined) {
      fail('authorizationEndpoint', 'or issuer is required for authorization_code');
    }
  }
  return c;
}

/** The credential without its secrets, for display: secrets become `"(set)"`. */
export function redactCredential(c: CredentialConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  for (const k of ['clientSecret', 'privateKey', 'privateKeyPassphrase', 'refreshToken'] as const) {
    if (out[k] !== undefined) out[k] = '(set)';
  }
  return out;
}
