/**
 * `s2s login web`: the authorization-code flow with PKCE (RFC 6749 §4.1,
 * RFC 7636) for a first, interactive login. A listener on the loopback
 * interface receives the redirect (RFC 8252 §7.3: any port, `127.0.0.1`);
 * the URL to open is printed. The code is exchanged, the tokens (the refresh
 * token included) are saved, and from then on the credential renews itself
 * with its refresh token, like any other.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CredentialConfig,
  createCredential,
  memoryTokenStore,
  validateCredential,
} from '@s2s-oauth/client';
import type { ConfigDir } from '../config_dir.ts';

export interface WebLoginInput {
  config: Omit<CredentialConfig, 'redirectUri'>;
  port: number;
  /** A registered loopback redirect URI to use as is (e.g. `http://localhost:1717/OauthRedirect`, as `sf` uses). */
  redirectUri?: string;
  timeoutSeconds: number;
  dir: ConfigDir;
  setDefault: boolean;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${text}</p>`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Resolves with the full callback URL of the first GET of `path`. */
function waitForCallback(
  server: Server,
  base: string,
  path: string,
  timeoutMs: number,
): Promise<{ url: string; answer: (ok: boolean, text: string) => void }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no redirect came back within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', base);
      if (req.method !== 'GET' || url.pathname !== path) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      clearTimeout(timer);
      resolve({
        url: url.href,
        answer: (ok, text) =>
          res
            .writeHead(ok ? 200 : 400, {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-store',
            })
            .end(PAGE(ok ? 'Logged in' : 'Login failed', escapeHtml(text))),
      });
    });
  });
}

/** Where to listen for a given redirect URI: loopback over http only (RFC 8252 §7.3, §8.3). */
function listenerFor(uri: string): { host: string; port: number; path: string } {
  const u = new URL(uri);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost', '::1'].includes(host) || u.port === '') {
    throw new Error(
      '--redirect-uri must be http://127.0.0.1:PORT/…, http://localhost:PORT/… or http://[::1]:PORT/…',
    );
  }
  return { host, port: Number(u.port), path: u.pathname };
}

export async function webLogin(input: WebLoginInput): Promise<void> {
  const fixed = input.redirectUri === undefined ? undefined : listenerFor(input.redirectUri);
  const server = createServer();
  await new Promise<void>((r, j) => {
    server.once('error', j);
    server.listen(fixed?.port ?? input.port, fixed?.host ?? '127.0.0.1', () => r());
  });
  try {
    const port = (server.address() as AddressInfo).port;
    const base = fixed ? new URL(input.redirectUri!).origin : `http://127.0.0.1:${port}`;
    const path = fixed?.path ?? '/callback';
    const config: CredentialConfig = { ...input.config, redirectUri: input.redirectUri ?? `${base}${path}` };
    const checked = validateCredential(config);
    // In memory until it works: a failed login leaves an earlier one under this alias untouched.
    const cred = createCredential(config, { store: memoryTokenStore() });
    const pending = await cred.beginAuthorization();
    const back = waitForCallback(server, base, path, input.timeoutSeconds * 1000);
    process.stdout.write(
      `Open this URL in a browser to log in:\n\n  ${pending.url}\n\nWaiting for the redirect to ${config.redirectUri} …\n`,
    );
    const { url, answer } = await back;
    try {
      const t = await cred.finishAuthorization(pending, url);
      await input.dir.adoptTokens(checked.name, await cred.state());
      answer(true, 'Logged in. You can close this tab and go back to the terminal.');
      const first = input.dir.aliases().length === 0;
      input.dir.save(checked.name, config);
      if (first || input.setDefault) input.dir.setDefault(checked.name);
      const held = (await cred.state())?.refreshToken !== undefined;
      process.stdout.write(
        `Logged in (authorization_code); saved as "${checked.name}"` +
          `${input.dir.defaultAlias() === checked.name ? ' (default)' : ''}.\n` +
          `Instance: ${t.instanceUrl ?? '(none in the token response)'}; ` +
          `${held ? 'a refresh token is held' : 'no refresh token was issued: log in again when the token expires'}.\n`,
      );
    } catch (err) {
      answer(false, `Login failed: ${(err as Error).message}`);
      throw err;
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
