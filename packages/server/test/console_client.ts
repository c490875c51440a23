/**
 * Test helper for the console: a browser without JavaScript (a cookie jar over fetch that
 * never follows redirects; forms read out of the HTML), sign-in as an admin user or with the
 * admin token, urlencoded and multipart posts with the page's CSRF token.
 */
import assert from 'node:assert/strict';
import { PASSWORD } from './authorize_flow.ts';
import { type HttpResult, type TestServer, toResult } from './harness.ts';

export { PASSWORD };

export interface Page extends HttpResult {
  location: string | null;
}

export function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The CSRF token of a page's forms. */
export function csrfOf(page: string): string {
  const m = /<input type="hidden" name="csrf" value="([^"]*)">/.exec(page);
  assert.ok(m, 'the page has a CSRF field');
  return unescapeHtml(m[1]!);
}

/** The error shown next to a field (by its id), or undefined. */
export function fieldError(page: string, id: string): string | undefined {
  const m = new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`).exec(page);
  return m ? unescapeHtml(m[1]!) : undefined;
}

export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had one. */
  csrf = '';
  constructor(readonly base: string) {}

  async send(path: string, init: RequestInit = {}): Promise<Page> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const name = pair!.slice(0, pair!.indexOf('='));
      const value = pair!.slice(pair!.indexOf('=') + 1);
      if (attrs.some((a) => /^\s*max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const page = { ...(await toResult(res)), location: res.headers.get('location') };
    const m = /<input type="hidden" name="csrf" value="([^"]*)">/.exec(page.text);
    if (m) this.csrf = unescapeHtml(m[1]!);
    return page;
  }

  get(path: string): Promise<Page> {
    return this.send(path);
  }

  /** A urlencoded form post; the CSRF token is added unless `csrf` is given (or null: none). */
  post(
    path: string,
    fields: Record<string, string | string[]>,
    csrf: string | null = this.csrf,
  ): Promise<Page> {
    const body = new URLSearchParams();
    if (csrf !== null) body.append('csrf', csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  /** A multipart form post (as a browser sends a form with a file input). */
  postMultipart(
    path: string,
    fields: Record<string, string | string[]>,
    files: Record<string, { name: string; content: string }> = {},
    csrf: string | null = this.csrf,
  ): Promise<Page> {
    const form = new FormData();
    if (csrf !== null) form.append('csrf', csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) form.append(k, x);
    for (const [k, f] of Object.entries(files)) {
      form.append(k, new Blob([f.content], { type: 'application/x-pem-file' }), f.name);
    }
    return this.send(path, { method: 'POST', body: form });
  }

  /** Follows a redirect answer with a GET. */
  async follow(p: Page): Promise<Page> {
    assert.ok(p.status >= 300 && p.status < 400 && p.location, `expected a redirect, got ${p.status}`);
    return this.get(p.location.replace(this.base, ''));
  }
}

/** A browser signed in to the console as an admin user (created here, profile System Administrator). */
export async function signedInAdmin(s: TestServer): Promise<{ b: ConsoleBrowser; username: string }> {
  const user = await s.newUser({ password: PASSWORD, profile: 'System Administrator' });
  const b = new ConsoleBrowser(s.url);
  await b.get('/console/login');
  const r = await b.post('/console/login', { how: 'user', username: user.username, password: PASSWORD });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  return { b, username: user.username };
}

/** A browser signed in with the admin token. */
export async function signedInWithToken(s: TestServer): Promise<ConsoleBrowser> {
  const b = new ConsoleBrowser(s.url);
  await b.get('/console/login');
  const r = await b.post('/console/login', { how: 'token', token: s.adminToken });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  return b;
}
