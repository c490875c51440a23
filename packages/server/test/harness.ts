/**
 * Test harness: a real server on loopback over a real SQLite file or a fresh
 * PostgreSQL database. No mocks of anything we own.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { DEFAULTS } from '../src/config/index.ts';
import type { App, User } from '../src/domain/types.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { createApp } from '../src/services/apps.ts';
import { createUser } from '../src/services/users.ts';

export type DbKind = 'sqlite' | 'postgres';
export const DB_KINDS: DbKind[] = ['sqlite', 'postgres'];

export const PG_ADMIN_URL =
  process.env.S2S_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database of the given kind, removed by drop(). */
export async function freshDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 's2s-test-'));
    return {
      url: `sqlite:${join(dir, 's2s.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `s2s_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestServer extends RunningServer {
  kind: DbKind;
  /** The database this server runs on (a fresh one per server). */
  databaseUrl: string;
  adminToken: string;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
  /** POST a form to a path; returns status, headers and parsed JSON (or text). */
  form(path: string, params: Record<string, string>, headers?: Record<string, string>): Promise<HttpResult>;
  get(path: string, headers?: Record<string, string>): Promise<HttpResult>;
  /** JSON request to the admin API with the admin token. */
  admin(method: string, path: string, body?: unknown): Promise<HttpResult>;
  newUser(fields?: Partial<Record<string, unknown>>): Promise<User>;
  newApp(fields?: Record<string, unknown>): Promise<{ app: App; clientSecret: string }>;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
  body: any;
  text: string;
}

export async function toResult(res: Response): Promise<HttpResult> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body, text };
}

let counter = 0;

export async function startTestServer(
  kind: DbKind,
  opts: { now?: () => number; config?: Partial<typeof DEFAULTS>; logDestination?: DestinationStream } = {},
): Promise<TestServer> {
  const db = await freshDatabase(kind);
  let server: RunningServer;
  try {
    server = await startServer(
      {
        ...DEFAULTS,
        port: 0,
        host: '127.0.0.1',
        databaseUrl: db.url,
        demo: false,
        adminToken: ADMIN_TOKEN,
        logLevel: 'silent',
        ...opts.config,
      },
      { now: opts.now, logDestination: opts.logDestination },
    );
  } catch (err) {
    await db.drop();
    throw err;
  }
  const base = server.url;
  const t: TestServer = {
    ...server,
    kind,
    databaseUrl: db.url,
    adminToken: ADMIN_TOKEN,
    async stop() {
      await server.close();
      await db.drop();
    },
    async form(path, params, headers = {}) {
      const res = await fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(params).toString(),
      });
      return toResult(res);
    },
    async get(path, headers = {}) {
      return toResult(await fetch(base + path, { headers }));
    },
    async admin(method, path, body) {
      const res = await fetch(base + path, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return toResult(res);
    },
    async newUser(fields = {}) {
      counter++;
      return createUser(server.ctx, {
        username: `user${counter}.${randomBytes(3).toString('hex')}@example.com`,
        ...fields,
      });
    },
    async newApp(fields = {}) {
      const created = await createApp(server.ctx, { name: `App ${++counter}`, ...fields });
      return { app: created.app, clientSecret: created.clientSecret };
    },
  };
  return t;
}

export function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s);
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}
