/**
 * Structured logs (pino). Nothing secret is ever logged: request lines carry
 * the path without its query, and credential-bearing fields are redacted.
 */
import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        '*.password',
        '*.client_secret',
        '*.clientSecret',
        '*.token',
        '*.access_token',
        '*.refresh_token',
        '*.assertion',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (r: { method?: string; url?: string; ip?: string }) => ({
        method: r.method,
        path: r.url?.split('?')[0],
        ip: r.ip,
      }),
      res: (r: { statusCode?: number }) => ({ status: r.statusCode }),
      err: pino.stdSerializers.err,
    },
  });
}
