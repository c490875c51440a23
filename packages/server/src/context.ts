/**
 * What every part of the server is handed at start: the store, the signing keys,
 * the org identity and the protocol settings. Built once in server.ts.
 */
import type { Logger } from 'pino';
import type { KeyRing } from './keys/key_ring.ts';
import type { Revocations } from './oauth/tokens/revocations.ts';
import type { Store } from './store/interfaces.ts';

export interface ProtocolSettings {
  /** Public base URL, no trailing slash: `iss` of our tokens, `instance_url`, and the base of every endpoint. */
  issuer: string;
  /** Audiences accepted in assertions besides the issuer (with/without slash) and the token endpoint URL. */
  extraAudiences: string[];
  /** Allowed clock skew for time-based checks, seconds. */
  clockSkewSeconds: number;
}

export interface ServerContext {
  store: Store;
  keys: KeyRing;
  /** Revocations of stateless JWT access tokens, in memory (oauth/tokens/revocations.ts). */
  revocations: Revocations;
  settings: ProtocolSettings;
  orgId: string;
  log: Logger;
  /** The clock, in epoch milliseconds. Tests may freeze it. */
  now(): number;
}

export function tokenEndpointUrl(s: ProtocolSettings): string {
  return `${s.issuer}/services/oauth2/token`;
}

/** Salesforce's identity URL for a user (`id` in token responses). */
export function identityUrl(s: ProtocolSettings, orgId: string, userId: string): string {
  return `${s.issuer}/id/${orgId}/${userId}`;
}
