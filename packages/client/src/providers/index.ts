/** The provider of each flow. `authorization_code` renews with its refresh token (RFC 6749 §6). */
import { clientCredentialsProvider } from './client_credentials.ts';
import { jwtBearerProvider } from './jwt_bearer.ts';
import { refreshTokenProvider } from './refresh_token.ts';
import { saml2BearerProvider } from './saml2_bearer.ts';
import type { ProviderContext, TokenProvider } from './types.ts';

export function providerFor(ctx: ProviderContext): TokenProvider {
  switch (ctx.credential.flow) {
    case 'jwt_bearer':
      return jwtBearerProvider(ctx);
    case 'saml2_bearer':
      return saml2BearerProvider(ctx);
    case 'client_credentials':
      return clientCredentialsProvider(ctx);
    case 'refresh_token':
    case 'authorization_code':
      return refreshTokenProvider(ctx);
  }
}
