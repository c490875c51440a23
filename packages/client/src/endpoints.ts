/**
 * The endpoints of a credential: as configured, else discovered from its
 * issuer (RFC 8414 / OpenID Discovery), only when first needed.
 */
import type { Credential } from './credential.ts';
import { discover } from './discovery.ts';
import { CredentialConfigError } from './errors.ts';
import type { Endpoints } from './providers/types.ts';
import type { HttpContext } from './token_request.ts';
import type { AuthorizationServerMetadata } from './wire.ts';

export function endpointsFor(c: Credential, http: HttpContext): Endpoints {
  const meta = (): Promise<AuthorizationServerMetadata | undefined> =>
    c.issuer === undefined ? Promise.resolve(undefined) : discover(http, c.issuer);
  return {
    async token() {
      if (c.tokenEndpoint !== undefined) return c.tokenEndpoint;
      const m = await meta();
      if (typeof m?.token_endpoint !== 'string') {
        throw new CredentialConfigError(c.name, 'issuer', 'metadata has no token_endpoint');
      }
      return m.token_endpoint;
    },
    async issuer() {
      return c.issuer;
    },
    async introspection() {
      if (c.introspectionEndpoint !== undefined) return c.introspectionEndpoint;
      const m = await meta();
      return typeof m?.introspection_endpoint === 'string' ? m.introspection_endpoint : undefined;
    },
    async authorization() {
      if (c.authorizationEndpoint !== undefined) return c.authorizationEndpoint;
      const m = await meta();
      return typeof m?.authorization_endpoint === 'string' ? m.authorization_endpoint : undefined;
    },
  };
}
