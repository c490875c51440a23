/**
 * Test helper for the authorization-code tests: a browser without JavaScript (a cookie jar
 * over fetch with `redirect: 'manual'`, forms read out of the HTML), an app with a
 * callback URL and a user with a password, and the login → consent → code steps.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { App, User } from '../src/domain/types.ts';
import { basic, type HttpResult, type TestServer, toResult } from './harness.ts';

export const AUTHORIZE = '/services/oauth2/authorize';
export const TOKEN = '/services/oauth2/token';
export const CALLBACK = 'https://client.example/cb';
export const PASSWORD = 'correct horse battery staple';

export interface Page extends HttpResult {
  location: string | null;
}

/** The fields of the form posting to `action` (hidden inputs and named submit buttons excluded). */
export function formFields(page: string, action: string): Record<string, string> {
  const forms = [...page.matchAll(/<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => f[1] === action);
  assert.ok(form, `no form posting to ${action}`);
  const fields: Record<string, string> = {};
  for (const m of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = unescapeHtml(m[2]!);
  }
  return fields;
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A cookie jar over fetch that never follows redirects. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private async send(path: string, init: RequestInit): Promise<Page> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (attrs.some((a) => /^\s*max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { ...(await toResult(res)), location: res.headers.get('location') };
  }

  get(path: string): Promise<Page> {
    return this.send(path, {});
  }

  post(path: string, fields: Record<string, string>): Promise<Page> {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** RFC 7636 §4.1–4.2: a verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface Client {
  app: App;
  secret: string;
  user: User;
}

/** A user with a password and an app with CALLBACK registered. */
export async function codeClient(
  s: TestServer,
  o: { app?: Record<string, unknown>; user?: Record<string, unknown> } = {},
): Promise<Client> {
  const user = await s.newUser({ password: PASSWORD, ...o.user });
  const { app, clientSecret } = await s.newApp({
    scopes: ['api', 'id', 'refresh_token'],
    callbackUrls: [CALLBACK],
    ...o.app,
  });
  return { app, secret: clientSecret, user };
}

/** The authorization request's path and query (RFC 6749 §4.1.1). */
export function authorizeUrl(c: Client, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: c.app.clientId,
    redirect_uri: CALLBACK,
    state: 'st-123',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) q.set(k, v);
  return `${AUTHORIZE}?${q}`;
}

/** Signs in on the login page `page` shows; returns the page after the 303. */
export async function signIn(b: Browser, page: Page, username: string, password = PASSWORD): Promise<Page> {
  const fields = formFields(page.text, '/services/oauth2/login');
  return b.post('/services/oauth2/login', { ...fields, username, password });
}

/** Runs authorize → sign in → (consent: Allow) and returns the redirect to the client. */
export async function obtainCode(
  s: TestServer,
  c: Client,
  params: Record<string, string | undefined> = {},
  b = new Browser(s.url),
): Promise<{ code: string; location: URL; browser: Browser }> {
  let page = await b.get(authorizeUrl(c, params));
  if (page.status === 200 && page.text.includes('action="/services/oauth2/login"')) {
    const after = await signIn(b, page, c.user.username);
    assert.equal(after.status, 303, after.text);
    page = await b.get(after.location!);
  }
  if (page.status === 200) {
    const fields = formFields(page.text, '/services/oauth2/authorize/consent');
    page = await b.post('/services/oauth2/authorize/consent', { ...fields, decision: 'allow' });
  }
  assert.ok(page.location, `expected a redirect, got ${page.status}: ${page.text.slice(0, 300)}`);
  const location = new URL(page.location);
  const code = location.searchParams.get('code');
  assert.ok(code, `no code in ${page.location}`);
  return { code, location, browser: b };
}

/** grant_type=authorization_code with the app's secret in a Basic header (unless `auth: false`). */
export function exchange(
  s: TestServer,
  c: Client,
  fields: Record<string, string>,
  o: { auth?: boolean } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> =
    o.auth === false ? {} : { authorization: basic(c.app.clientId, c.secret) };
  return s.form(TOKEN, { grant_type: 'authorization_code', redirect_uri: CALLBACK, ...fields }, headers);
}
