/**
 * Recognises "the database is not there" failures, which answer
 * 503 temporarily_unavailable (RFC 6749 §5.2 / §4.1.2.1) instead of a 500: the
 * client may retry, and nothing was issued (the store write failed first).
 */

// Node socket errors and PostgreSQL SQLSTATE classes 08 (connection), 57P (operator
// intervention: shutdown, crash), 53 (insufficient resources), and 3D000 (database gone).
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
const SQLITE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
]);

export function isStoreUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NODE_CODES.has(code) || SQLITE_CODES.has(code)) return true;
      // store/redis/connect.ts: Redis (S2S_REDIS_URL) cannot be reached.
      if (code === 'S2S_REDIS_UNAVAILABLE') return true;
      if (/^(08|57P|53)/.test(code) || code === '3D000') return true;
      // 55000 at connect: the database refuses connections (ALTER DATABASE … ALLOW_CONNECTIONS
      // false, maintenance); only with that message — 55000 also names other states.
      if (code === '55000' && /not currently accepting connections/.test(String((e as Error).message)))
        return true;
    }
    const msg = (e as { message?: unknown }).message;
    if (
      typeof msg === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect/i.test(msg)
    ) {
      return true;
    }
  }
  return false;
}
