/** components.schemas of the admin OpenAPI document: request and response shapes. */
import { bool, dateTime, full, int, list, nullableStr, object, ref, type Schema, str } from './common.ts';

const SCOPES = list(str('a scope token (RFC 6749 §3.3)'), 'scopes');

function policies(required: boolean): Record<string, Schema> {
  const o = required ? full : object;
  return {
    permittedUsers: { type: 'string', enum: ['all_users', 'admin_approved'] },
    clientCredentials: o({
      enabled: bool('the client_credentials grant (RFC 6749 §4.4) is allowed'),
      runAs: nullableStr('username the tokens act as (Salesforce: Run As user)'),
    }),
    accessToken: o({
      format: { type: 'string', enum: ['opaque', 'jwt'] },
      ttlSeconds: int(60, 86400),
    }),
    refreshToken: o({
      policy: { type: 'string', enum: ['until_revoked', 'immediately', 'expire_after', 'expire_if_unused'] },
      seconds: {
        type: ['integer', 'null'],
        minimum: 60,
        description: 'required by expire_after / expire_if_unused',
      },
      rotate: bool('issue a new refresh token on each use'),
      requireSecret: bool('the client must authenticate to refresh (Require Secret for Refresh Token Flow)'),
      graceSeconds: int(0, 60, 'a retry within this many seconds gets the same successor pair; 0 = off'),
      maxLifetimeSeconds: {
        type: ['integer', 'null'],
        minimum: 60,
        description: 'absolute refresh family lifetime, never extended by rotation; null = none',
      },
    }),
    assertion: o({
      maxLifetimeSeconds: int(10, 3600, 'longest accepted exp − iat of a JWT bearer assertion'),
      allowTokenEndpointAudience: bool('private_key_jwt: also accept the token endpoint URL as aud'),
      allowSha1: bool('SAML bearer: also accept RSA-SHA1 signatures and SHA-1 digests (RFC 6931 §2.1.1)'),
    }),
    api: o({
      dailyLimit: int(
        0,
        1_000_000_000,
        'REST API requests per UTC day (Salesforce: 15,000 on Developer Edition)',
      ),
    }),
  };
}

const userInput = {
  username: str('unique; no spaces', { minLength: 1, maxLength: 80 }),
  password: {
    type: ['string', 'null'],
    minLength: 8,
    maxLength: 256,
    description: 'stored as scrypt; null clears',
  },
  email: nullableStr(),
  firstName: nullableStr(undefined, { maxLength: 80 }),
  lastName: nullableStr(undefined, { maxLength: 80 }),
  profile: str('default "Standard User"', { minLength: 1, maxLength: 80 }),
  active: bool('inactive users get no tokens'),
};

const appInput = {
  name: str(undefined, { minLength: 1, maxLength: 255 }),
  scopes: SCOPES,
  callbackUrls: list(str(undefined, { format: 'uri' })),
  ...policies(false),
};

const certificate = full({
  thumbprint: str('SHA-256 of the DER certificate, lowercase hex'),
  subject: str(),
  notBefore: dateTime(),
  notAfter: dateTime(),
  expired: bool(),
  createdAt: dateTime(),
});

const secret = full({ id: str(), hint: str('last four characters of the secret'), createdAt: dateTime() });

const app = full({
  id: str(),
  clientId: str('the consumer key'),
  name: str(),
  scopes: SCOPES,
  callbackUrls: list(str()),
  ...policies(true),
  certificates: list(ref('Certificate')),
  secrets: list(ref('Secret')),
  createdAt: dateTime(),
  updatedAt: dateTime(),
});

const withSecret = (s: Schema): Schema => ({
  ...s,
  properties: { ...(s.properties as object), clientSecret: str('the consumer secret; shown only here') },
  required: [...(s.required as string[]), 'clientSecret'],
});

export const schemas: Record<string, Schema> = {
  Error: object(
    {
      error: str('OAuth-style error code: invalid_request, invalid_token, not_found, conflict, …'),
      error_description: str(),
      field: str('the offending input field, for invalid_request and some conflicts'),
    },
    ['error', 'error_description'],
  ),
  User: full({
    id: str('18-character id (prefix 005)'),
    username: str(),
    email: nullableStr(),
    firstName: nullableStr(),
    lastName: nullableStr(),
    profile: str(),
    active: bool(),
    hasPassword: bool(),
    createdAt: dateTime(),
    updatedAt: dateTime(),
  }),
  UserCreate: object(userInput, ['username']),
  UserUpdate: object(userInput),
  App: app,
  AppCreated: withSecret(app),
  AppCreate: object({ ...appInput, certificates: list(str('a PEM certificate'), 'at most 20') }, ['name']),
  AppUpdate: object(appInput),
  Certificate: certificate,
  CertificateAdd: object({ pem: str('one PEM certificate (RSA ≥ 2048 bits or EC)') }, ['pem']),
  Secret: secret,
  SecretCreated: withSecret(secret),
  Preauthorization: full({
    id: str(),
    kind: { type: 'string', enum: ['user', 'profile'] },
    value: str('the username or the profile name'),
    createdAt: dateTime(),
  }),
  PreauthorizationCreate: {
    oneOf: [
      object({ username: str('an existing user') }, ['username']),
      object({ profile: str() }, ['profile']),
    ],
  },
  Approval: full({
    id: str(),
    clientId: nullableStr(),
    appName: nullableStr(),
    userId: str(),
    username: nullableStr(),
    scopes: SCOPES,
    source: { type: 'string', enum: ['consent', 'admin'] },
    createdAt: dateTime(),
    updatedAt: dateTime(),
  }),
  ApprovalCreate: object(
    { clientId: str(), username: str(), scopes: list(str(), 'a non-empty subset of the app scopes') },
    ['clientId', 'username', 'scopes'],
  ),
  AuditEvent: full({
    id: { type: ['integer', 'null'] },
    at: dateTime(),
    event: str('"token" for grant attempts'),
    clientId: nullableStr(),
    userId: nullableStr(),
    username: nullableStr(),
    grantType: nullableStr(),
    result: { type: 'string', enum: ['success', 'failure'] },
    errorCode: nullableStr(),
    errorDescription: nullableStr(),
    sourceIp: nullableStr(),
    tokenId: nullableStr(),
  }),
};
