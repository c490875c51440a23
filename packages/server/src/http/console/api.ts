/**
 * The console's way to the admin API: in-process requests through Fastify's `app.inject()`,
 * authenticated with the console's key (admin/console_caller.ts). Every rule, default and
 * error message stays the API's; the console only turns forms into JSON and errors into
 * messages next to the fields they name.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { PageError } from '../../oauth/authorization/errors.ts';
import { CONSOLE_KEY_HEADER, consoleCallerKey } from '../admin/console_caller.ts';
import { ADMIN_PREFIX } from '../admin/index.ts';

/** An error answer of the API: `{error, error_description, field?}`. */
export interface ApiError {
  status: number;
  error: string;
  description: string;
  field?: string;
}

export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; error: ApiError };

export interface AdminApi {
  /** Any call; error answers come back as values (forms show them). */
  call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>>;
  /** A read that must succeed: 404 becomes a "not found" page, anything else a failure. */
  get<T>(path: string): Promise<T>;
}

/** Path segments are always encoded. */
export const seg = encodeURIComponent;

export function adminApi(app: FastifyInstance, ctx: ServerContext): AdminApi {
  async function call<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<ApiResult<T>> {
    const res = await app.inject({
      method,
      url: ADMIN_PREFIX + path,
      headers: {
        [CONSOLE_KEY_HEADER]: consoleCallerKey(ctx),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = res.body ? (JSON.parse(res.body) as unknown) : undefined;
    if (res.statusCode < 300) return { ok: true, status: res.statusCode, body: parsed as T };
    const e = (parsed ?? {}) as { error?: string; error_description?: string; field?: string };
    return {
      ok: false,
      error: {
        status: res.statusCode,
        error: e.error ?? 'server_error',
        description: e.error_description ?? 'the request failed',
        ...(e.field ? { field: e.field } : {}),
      },
    };
  }

  return {
    call,
    async get<T>(path: string): Promise<T> {
      const r = await call<T>('GET', path);
      if (r.ok) return r.body;
      if (r.error.status === 404) throw new PageError('Not found', sentence(r.error.description), 404);
      throw new Error(`admin API ${path}: ${r.error.status} ${r.error.error}`);
    },
  };
}

/** An API description as a sentence for people: the leading `field: ` is dropped, first letter up. */
export function sentence(description: string, field?: string): string {
  let d = description;
  if (field && d.startsWith(`${field}: `)) d = d.slice(field.length + 2);
  d = d.charAt(0).toUpperCase() + d.slice(1);
  return /[.!?]$/.test(d) ? d : `${d}.`;
}
