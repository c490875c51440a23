// node-oidc-provider 9 configured for the same grant and token format as the bench's s2s-oauth
// apps (shared/reference/performance.md §5): one client_credentials client with
// client_secret_basic; BENCH_OIDC_FORMAT=opaque gives an opaque access token persisted through
// the built-in (in-memory) adapter, =jwt an RFC 9068 at+jwt signed ES256 via resource indicators
// (oidc-provider issues JWT access tokens only for a resource, so `defaultResource` names one).
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.BENCH_OIDC ?? '{}');
const ISSUER = `http://127.0.0.1:${config.port}`;
const jwt = config.format === 'jwt';
const RESOURCE = 'urn:bench:api';

const jwk = (kp) => kp.privateKey.export({ format: 'jwk' });
const keys = [
  { ...jwk(generateKeyPairSync('rsa', { modulusLength: 2048 })), alg: 'RS256', use: 'sig' },
  { ...jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' })), alg: 'ES256', use: 'sig' },
];

const provider = new Provider(ISSUER, {
  clients: [
    {
      client_id: config.clientId,
      client_secret: config.clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'api',
    },
  ],
  jwks: { keys },
  scopes: ['api'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => (jwt ? RESOURCE : undefined),
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: RESOURCE,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  ttl: { ClientCredentials: 3600 },
});

const server = provider.listen(config.port, '127.0.0.1', () =>
  process.stderr.write(`listening on ${ISSUER}\n`),
);
server.keepAliveTimeout = 60_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
