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
import { type CredentialConfig, createCredential, validateCredential } from '@s2s-oauth/client';
import type { ConfigDir } from '../config_dir.ts';

export interface WebLoginInput {
  config: Omit<CredentialConfig, 'redirectUri'>;
  port: number;
  timeoutSeconds: number;
  dir: ConfigDir;
  setDefault: boolean;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${text}</p>`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Resolves with the full callback URL of the first request to /callback. */
function waitForCallback(
  server: Server,
  base: string,
  timeoutMs: number,
): Promise<{ url: string; answer: (ok: boolean, text: string) => void }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no redirect came back within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', base);
      if (req.method !== 'GET' || url.pathname !== '/callback') {
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

export async function webLogin(input: WebLoginInput): Promise<void> {
  const server = createServer();
  await new Promise<void>((r, j) => {
    server.once('error', j);
    server.listen(input.port, '127.0.0.1', () => r());
  });
  const store = input.dir.tokenStore();
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config: CredentialConfig = { ...input.config, redirectUri: `${base}/callback` };
    const checked = validateCredential(config);
    const cred = createCredential(config, { store, storeKey: checked.name });
    const pending = await cred.beginAuthorization();
    const back = waitForCallback(server, base, input.timeoutSeconds * 1000);
    process.stdout.write(
      `Open this URL in a browser to log in:\n\n  ${pending.url}\n\nWaiting for the redirect to ${base}/callback …\n`,
    );
    const { url, answer } = await back;
    await store.remove(checked.name);
    try {
      const t = await cred.finishAuthorization(pending, url);
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
    await store.close();
  }
}
