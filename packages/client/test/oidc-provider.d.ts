// oidc-provider ships no types; the little the interop tests use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcContext {
    oidc: { params?: Record<string, unknown> };
  }
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: 'grant.success', listener: (ctx: OidcContext) => void): this;
    on(event: 'grant.error', listener: (ctx: OidcContext, err: { error?: string }) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    proxy: boolean;
  }
}
