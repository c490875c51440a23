/**
 * JWT-bearer assertions for the bench (RFC 7523 §3): RS256, each with its own `jti`, signed
 * before the load so the load generator does not pay RSA signing (~260 µs each) during the
 * run. Signed on worker threads, one per CPU.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const SIGNER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, randomUUID, sign } = require('node:crypto');
const key = createPrivateKey(workerData.keyPem);
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
const header = b64({ alg: 'RS256', typ: 'JWT' });
const now = Math.floor(Date.now() / 1000);
const out = [];
for (let i = 0; i < workerData.count; i++) {
  const input = header + '.' + b64({ iss: workerData.iss, sub: workerData.sub, aud: workerData.aud,
    iat: now, exp: now + workerData.lifetime, jti: randomUUID() });
  out.push(input + '.' + sign('sha256', Buffer.from(input), key).toString('base64url'));
}
parentPort.postMessage(out);
`;

export interface AssertionSpec {
  keyPem: string;
  iss: string;
  sub: string;
  aud: string;
  /** Seconds from now until `exp`. */
  lifetime: number;
}

export async function signAssertions(spec: AssertionSpec, count: number): Promise<string[]> {
  const threads = Math.max(1, availableParallelism());
  const per = Math.ceil(count / threads);
  const parts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<string[]>((resolve, reject) => {
          const w = new Worker(SIGNER, { eval: true, workerData: { ...spec, count: per } });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  return parts.flat().slice(0, count);
}
