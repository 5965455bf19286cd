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
 * Runs `stop` once on SIGTERM or SIGINT (a second signal exits at once), then exits.
 * Heroku sends SIGTERM and allows 30 s before SIGKILL.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ category: 'process', signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ category: 'process', signal }, 'shutting down');
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
  return createLogger(config.logLevel, name);
}
