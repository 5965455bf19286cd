import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Anything that could carry a secret or a visitor's identity is
 * redacted by path as a second line of defence; the first is never putting it in a log call.
 */
export function createLogger(level: string, name = 'linktally'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'authorization', '*.authorization', '*.headers.authorization', '*.headers.cookie',
        'token', '*.token', 'password', '*.password', 'secret', '*.secret', 'webhook_secret', '*.webhook_secret',
        'ip', '*.ip', 'ua', '*.ua', 'userAgent', '*.userAgent', 'remoteAddress', '*.remoteAddress',
      ],
      censor: '[redacted]',
    },
  });
}
