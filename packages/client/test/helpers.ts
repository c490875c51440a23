/**
 * Test helpers for the client: our real server on loopback (through the
 * server's own harness), apps set up for each flow, token requests counted at
 * the server (its audit log), and tiny node:http servers for the cases our
 * server must not be bent into (a resource server that always says 401, a proxy
 * that records or rewrites token traffic).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSelfSigned } from '../../server/src/keys/x509.ts';
import { startTestServer, type TestServer } from '../../server/test/harness.ts';

export { startTestServer, type TestServer };

export const TOKEN_PATH = '/services/oauth2/token';

export interface KeyPair {
  privateKeyPem: string;
  certificatePem: string;
}

const keys = new Map<number, Promise<KeyPair>>();

/** RSA 2048 keys with self-signed certificates, made once per test process and index. */
export function keyPair(i = 0): Promise<KeyPair> {
  let k = keys.get(i);
  if (k === undefined) {
    k = generateSelfSigned({ cn: `s2s client test ${i}`, days: 2 });
    keys.set(i, k);
  }
  return k;
}

export interface AppSetup {
  clientId: string;
  clientSecret: string;
  username: string;
  key: KeyPair;
}

/**
 * An app on our server for every flow: certificate registered, client
 * credentials on (run-as = the user), the user pre-authorized.
 */
export async function setUpApp(s: TestServer, app: Record<string, unknown> = {}): Promise<AppSetup> {
  const key = await keyPair();
  const user = await s.newUser();
  const { app: made, clientSecret } = await s.newApp({
    scopes: ['api', 'id', 'refresh_token'],
    certificates: [key.certificatePem],
    clientCredentials: { enabled: true, runAs: user.username },
    permittedUsers: 'admin_approved',
    ...app,
  });
  const r = await s.admin('POST', `/admin/v1/apps/${made.clientId}/preauthorizations`, {
    username: user.username,
  });
  assert.equal(r.status, 201, r.text);
  return { clientId: made.clientId, clientSecret, username: user.username, key };
}

/** Token requests the server recorded for a client (successes and failures), oldest first. */
export async function tokenRequests(s: TestServer, clientId: string) {
  const events = await s.ctx.store.audit.list({ clientId, limit: 1000 });
  return events.filter((e) => e.event === 'token').reverse();
}

export interface LittleServer {
  url: string;
  calls: number;
  /** Request bodies and headers seen, in order. */
  seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A node:http server on loopback whose every request goes to `handler`. */
export async function littleServer(
  handler: (req: IncomingMessage, body: string, res: ServerResponse, n: number) => void | Promise<void>,
): Promise<LittleServer> {
  const out: LittleServer = {
    url: '',
    calls: 0,
    seen: [],
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    out.calls++;
    out.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    try {
      await handler(req, body, res, out.calls);
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  out.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return out;
}

/**
 * A proxy in front of `target` that records every request and may rewrite the
 * JSON of the answers (e.g. drop `expires_in`, as Salesforce does).
 */
export function proxy(
  target: string | (() => string),
  rewrite?: (path: string, json: Record<string, unknown>) => void,
) {
  return littleServer(async (req, body, res) => {
    const base = typeof target === 'string' ? target : target();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection')
        headers[k] = v;
    }
    const up = await fetch(base + req.url, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    let text = await up.text();
    if (rewrite && (up.headers.get('content-type') ?? '').includes('json')) {
      const json = JSON.parse(text);
      rewrite(req.url ?? '', json);
      text = JSON.stringify(json);
    }
    res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'text/plain' });
    res.end(text);
  });
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix = 's2s-client-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The payload of a compact JWS, unverified (for asserting what the client sent). */
export function jwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

export function jwtHeader(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8'));
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  /** The last JSON line, parsed. */
  result: Record<string, string> | undefined;
  stderr: string;
}

const CHILD = new URL('./fixtures/token_child.ts', import.meta.url).pathname;

/** Runs fixtures/token_child.ts in its own process with `spec`. */
export function runChild(
  spec: unknown,
  onLine?: (line: string, kill: () => void) => void,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, S2S_CHILD_SPEC: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      out += d;
      let i = out.indexOf('\n');
      while (i >= 0) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        lines.push(line);
        onLine?.(line, () => child.kill('SIGKILL'));
        i = out.indexOf('\n');
      }
    });
    const lines: string[] = [];
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const json = lines.filter((l) => l.startsWith('{')).pop();
      resolve({ code, signal, lines, result: json ? JSON.parse(json) : undefined, stderr });
    });
  });
}
