/**
 * The admin API over HTTP: JSON in and out, `Authorization: Bearer <admin
 * token>` (RFC 6750 §2.1). Error answers become AdminApiError carrying the
 * server's `error` and `error_description`. The token is never printed.
 */

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'AdminApiError';
  }
}

/** A problem on this side (bad flag combination, unreadable file, no server). */
export class CliError extends Error {}

export interface AdminClientOptions {
  url: string;
  token: string | undefined;
  timeoutMs?: number;
}

export class AdminClient {
  private readonly base: string;

  constructor(private readonly opts: AdminClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  /** `segments` are path parts below /admin/v1, each percent-encoded. */
  async request(method: string, segments: string[], body?: unknown, query?: Record<string, unknown>) {
    if (!this.opts.token) throw new CliError('no admin token: pass --admin-token or set S2S_ADMIN_TOKEN');
    const path = segments.map((s) => `/${encodeURIComponent(s)}`).join('');
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const url = `${this.base}/admin/v1${path}${qs.size ? `?${qs}` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.opts.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `cannot reach ${this.base}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const e = (parsed ?? {}) as { error?: unknown; error_description?: unknown };
      throw new AdminApiError(
        res.status,
        typeof e.error === 'string' ? e.error : `http_${res.status}`,
        typeof e.error_description === 'string' ? e.error_description : text.slice(0, 200) || res.statusText,
      );
    }
    return parsed;
  }
}
