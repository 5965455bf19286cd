import pino, { type Logger } from 'pino';
import { currentRequestId } from './lib/request-context';

export type { Logger };

export type LogFormat = 'json' | 'pretty' | 'auto';

/**
 * Human-readable lines in a terminal, JSON lines anywhere else (Heroku's log router, files,
 * pipes). pino-pretty runs in-process and synchronously so a crash loses no line; it is loaded
 * only when wanted, so production never pays for it.
 */
function destination(format: LogFormat): pino.DestinationStream | undefined {
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  if (!pretty) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build = require('pino-pretty') as (options: Record<string, unknown>) => pino.DestinationStream;
  return build({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

/**
 * Structured logs. Anything that could carry a secret or a visitor's identity is
 * redacted by path as a second line of defence; the first is never putting it in a log call.
 */
export function createLogger(level: string, name = 'linktally', format: LogFormat = 'auto', into?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every line written while a request (or a job it enqueued) runs carries its id.
    mixin() {
      const requestId = currentRequestId();
      return requestId ? { request_id: requestId } : {};
    },
    redact: {
      paths: [
        'authorization', '*.authorization', '*.headers.authorization', '*.headers.cookie',
        'token', '*.token', 'password', '*.password', 'secret', '*.secret', 'webhook_secret', '*.webhook_secret',
        'ip', '*.ip', 'ua', '*.ua', 'userAgent', '*.userAgent', 'remoteAddress', '*.remoteAddress',
      ],
      censor: '[redacted]',
    },
  };
  const stream = into ?? destination(format);
  return stream ? pino(options, stream) : pino(options);
}
