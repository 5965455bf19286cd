import { performance } from 'node:perf_hooks';
import { ConfigError, loadSettings, withAppSecret, type Config, type Settings } from '../config';
import { instanceSecret } from '../db/instance-secret-store';
import { createDb } from '../db/knex';
import { pgAddress } from '../db/pg-connection';
import { createLogger, type Logger } from '../logger';
import { keyedHash } from '../lib/secrets';
import { WEB_LOAD_INTERVAL_MS, type WebLoadMessage } from '../lib/web-load';
import { unreachable } from './preflight';

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

const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits. Heroku sends SIGTERM to every process of
 * a dyno and allows 30 s before SIGKILL; a cluster primary or the `npm start` supervisor
 * forwards it as well, so a repeated SIGTERM is expected and ignored. A second Ctrl-C (SIGINT)
 * exits at once.
 */
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

export function processLogger(settings: Pick<Settings, 'logLevel' | 'logFormat'>, name: string): Logger {
  return createLogger(settings.logLevel, name, settings.logFormat);
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
  const db = createDb(settings.databaseUrl, { max: 1, ssl: settings.databaseSsl });
  try {
    const { secret, created } = await instanceSecret(db).catch((err: unknown) => {
      const code = (err as { code?: string }).code;
      if (code === '42P01') throw new Error('APP_SECRET is not set and the database has no instance_secrets table yet: run `npm run migrate` first, or set APP_SECRET');
      // Not an SQL error (those carry a five-character SQLSTATE): the server could not be reached.
      if (!code || !/^[0-9A-Z]{5}$/.test(code)) throw unreachable('PostgreSQL', 'DATABASE_URL', pgAddress(settings.databaseUrl), err);
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

/** What a child of the `npm start` supervisor (bin/start.ts) reports once it serves. */
export type ReadyMessage = { ready: 'web'; port: number; processes: number } | { ready: 'worker'; queues: string[] };

export function isReadyMessage(message: unknown): message is ReadyMessage {
  const ready = typeof message === 'object' && message !== null ? (message as { ready?: unknown }).ready : undefined;
  return ready === 'web' || ready === 'worker';
}

/** Tells the supervisor, when there is one (an IPC channel), that this process serves. */
export function reportReady(message: ReadyMessage): void {
  process.send?.(message);
}

/**
 * Sends this process's event-loop utilisation to its parent (the cluster primary, or `npm start`'s
 * supervisor) every interval, while there is one; a dyno has none.
 */
export function reportWebLoad(): void {
  if (!process.send) return;
  let last = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    if (process.connected) process.send?.({ webLoad: utilization } satisfies WebLoadMessage);
  }, WEB_LOAD_INTERVAL_MS).unref();
}
