/**
 * Structured logs (pino). Nothing secret is ever logged: request lines carry
 * the path without its query, and credential-bearing fields are redacted.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Logs to standard output, or to `destination` when given (tests read it back). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
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
  };
  return destination ? pino(options, destination) : pino(options);
}
