import { ConfigError, loadSettings, withAppSecret, type Config, type Settings } from '../config';
import { instanceSecret } from '../db/instance-secret-store';
import { createDb } from '../db/knex';
import { createLogger, type Logger } from '../logger';
import { keyedHash } from '../lib/secrets';

/** Reads the environment or exits with the one line that names the bad variable. */
export function settingsOrExit(): Settings {
  try {
    return loadSettings();
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

export function processLogger(settings: Pick<Settings, 'logLevel'>, name: string): Logger {
  return createLogger(settings.logLevel, name);
}

/**
 * The configuration of one process of the deployment, with its logger. APP_SECRET comes from
 * the environment; without it (never in production: loadSettings refuses) the deployment's
 * generated secret is read from PostgreSQL, created by whichever process starts first, and one
 * line says so. The line carries a check value (a keyed hash of nothing), never the secret, so
 * an operator can see that web and workers agree.
 */
export async function startProcess(name: string, logger?: Logger): Promise<{ config: Config; logger: Logger }> {
  const settings = settingsOrExit();
  const log = logger ?? processLogger(settings, name);
  if (settings.appSecret) return { config: withAppSecret(settings, settings.appSecret), logger: log };
  const db = createDb(settings.databaseUrl, { max: 1 });
  try {
    const { secret, created } = await instanceSecret(db).catch((err: unknown) => {
      if ((err as { code?: string }).code === '42P01') throw new Error('APP_SECRET is not set and the database has no instance_secrets table yet: run `npm run migrate` first, or set APP_SECRET');
      throw err;
    });
    log.warn(
      { category: 'config', created, check: keyedHash(secret, 'instance-secret-check', '').slice(0, 12) },
      `APP_SECRET is not set: using this deployment's ${created ? 'newly generated' : 'generated'} secret, kept in PostgreSQL (instance_secrets); set APP_SECRET in production`,
    );
    return { config: withAppSecret(settings, secret), logger: log };
  } finally {
    await db.destroy();
  }
}
