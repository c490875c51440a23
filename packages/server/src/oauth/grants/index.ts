/** The grant registry: one module per grant type, checked once at start. */

import { authorization_code } from './authorization_code.ts';
import { client_credentials } from './client_credentials.ts';
import type { Grant } from './grant.ts';
import { jwt_bearer } from './jwt_bearer.ts';
import { refresh_token } from './refresh_token.ts';
import { saml2_bearer } from './saml2_bearer.ts';

const ALL: Grant[] = [client_credentials, jwt_bearer, saml2_bearer, refresh_token, authorization_code];

export const grants: ReadonlyMap<string, Grant> = (() => {
  const m = new Map<string, Grant>();
  for (const g of ALL) {
    if (m.has(g.grantType)) throw new Error(`grant type ${g.grantType} registered twice`);
    // RFC 6749 §4.5: extension grants are absolute URIs.
    if (!/^[a-z_]+$/.test(g.grantType) && !/^[a-z][a-z0-9+.-]*:/.test(g.grantType)) {
      throw new Error(`extension grant type ${g.grantType} must be an absolute URI`);
    }
    m.set(g.grantType, g);
  }
  return m;
})();
