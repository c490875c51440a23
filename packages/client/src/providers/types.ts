/** What every flow's token provider is given and gives back. */
import type { Credential } from '../credential.ts';
import type { SigningKey } from '../keys.ts';
import type { HttpContext } from '../token_request.ts';
import type { TokenResponse } from '../wire.ts';

export interface Endpoints {
  token(): Promise<string>;
  /** The issuer identifier, when configured or discovered. */
  issuer(): Promise<string | undefined>;
  introspection(): Promise<string | undefined>;
  authorization(): Promise<string | undefined>;
}

export interface ProviderContext {
  credential: Credential;
  http: HttpContext;
  endpoints: Endpoints;
  signingKey(): Promise<SigningKey>;
  now(): number;
}

export interface ObtainInput {
  /** The live refresh token, as saved in the token store (refresh flows). */
  refreshToken?: string;
}

/** One flow: how to get a new token, from nothing but the credential (and the saved refresh token). */
export interface TokenProvider {
  obtain(input: ObtainInput): Promise<TokenResponse>;
}
