/**
 * Redirect URIs: exact string matching against the app's registered callback URLs
 * (RFC 9700 §2.1, §4.1.3: no prefix, pattern or normalised comparison), and building the
 * authorization response on top of the registered URI (RFC 6749 §3.1.2: its query is kept).
 */

// RFC 8252 §7.3 / RFC 9700 §2.1: a native app listening on the loopback interface gets a port
// from the OS, so for loopback IP literals over http the port alone may differ.
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::[0-9]{1,5})?([/?].*)?$/;

/** The URI without its port, for a loopback IP literal over http; null for any other URI. */
function loopbackWithoutPort(uri: string): string | null {
  const m = LOOPBACK.exec(uri);
  return m ? `http://${m[1]}${m[2] ?? ''}` : null;
}

/**
 * True when `uri` is, character for character, one of the registered callback URLs — or,
 * for `http://127.0.0.1` and `http://[::1]` only, equal to one apart from the port.
 */
export function isRegisteredRedirectUri(registered: readonly string[], uri: string): boolean {
  if (registered.includes(uri)) return true;
  const loose = loopbackWithoutPort(uri);
  return loose !== null && registered.some((r) => loopbackWithoutPort(r) === loose);
}

/**
 * The redirect URI with the response parameters appended to its query (RFC 6749 §4.1.2,
 * §4.1.2.1), the registered text otherwise unchanged. Undefined values are left out.
 * Registered URIs never carry a fragment (services/apps.ts refuses one, RFC 6749 §3.1.2).
 */
export function redirectWith(uri: string, params: Record<string, string | undefined>): string {
  const query = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  if (query === '') return uri;
  const sep = !uri.includes('?') ? '?' : uri.endsWith('?') || uri.endsWith('&') ? '' : '&';
  return uri + sep + query;
}

/**
 * The CSP source a browser must be allowed to navigate to for this redirect (`form-action`
 * also governs the redirects that follow a form submission): the origin, or for a custom
 * scheme of a native app (RFC 8252 §7.1) the scheme alone.
 */
export function redirectSource(uri: string): string | null {
  try {
    const url = new URL(uri);
    if (url.origin !== 'null') return url.origin;
    return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? url.protocol : null;
  } catch {
    return null;
  }
}
