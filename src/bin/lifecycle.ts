import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger, type Logger } from '../logger';

/** Reads configuration or exits with the one line that names the bad variable. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits. Heroku sends SIGTERM to every process of
 * a dyno and allows 30 s before SIGKILL; a cluster primary or the `npm start` supervisor
 * forwards it as well, so a repeated SIGTERM is expected and ignored. A second Ctrl-C (SIGINT)
 * exits at once.
 */
const SHUTDOWN_DEADLINE_MS = 25_000;

export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      if (signal === 'SIGTERM') return;
      logger.warn({ category: 'process', signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ category: 'process', signal }, 'shutting down');
    // A service that went away can hold a close forever; exit before Heroku's SIGKILL at 30 s.
    setTimeout(() => {
      logger.error({ category: 'process', ms: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ category: 'process', err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

export function processLogger(config: Config, name: string): Logger {
  return createLogger(config.logLevel, name, config.logFormat);
}

/** What a child of the `npm start` supervisor (bin/start.ts) reports once it serves. */
export type ReadyMessage = { ready: 'web'; port: number; processes: number } | { ready: 'worker'; queues: string[] };

/** Tells the supervisor, when there is one (an IPC channel), that this process serves. */
export function reportReady(message: ReadyMessage): void {
  process.send?.(message);
}
