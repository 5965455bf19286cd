import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { QUEUE_NAMES } from '../../src/queues/registry';
import { closeServices, createServices, type Services } from '../../src/services';
import { startWeb, type RunningWeb, type WebOptions } from '../../src/web';
import { startWorkers, type RunningWorkers, type WorkerOptions } from '../../src/workers/run';
import { deleteKeys } from './root-hooks';
import { truncateAll } from './test-database';
import { waitFor } from './wait';

/**
 * A real Linktally for integration tests: the web server on an ephemeral port, optionally the
 * workers, against the run's own PostgreSQL database and Redis prefix.
 */
export interface Stack {
  services: Services;
  web: RunningWeb;
  workers?: RunningWorkers;
  baseUrl: string;
  url(path: string): string;
  /** Empties the database, the queues and every Redis key of this run, between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Every queue but metadata (see startStack). */
export const PIPELINE_QUEUES = QUEUE_NAMES.filter((name) => name !== 'metadata');

export interface StackOptions {
  workers?: boolean | WorkerOptions;
  web?: WebOptions;
  env?: Record<string, string>;
  /** false: start without waiting for Redis (tests of the redirect while Redis is away). */
  waitForRedis?: boolean;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ ...process.env, ...env });
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const config = testConfig(options.env);
  const services = createServices(config, { logger: createLogger(config.logLevel, 'test') });
  const web = await startWeb(services, { port: 0, ...options.web });
  const baseUrl = `http://127.0.0.1:${web.port}`;
  // PUBLIC_BASE_URL is only known once the port is: point generated URLs at this server.
  services.config.publicBaseUrl = options.env?.PUBLIC_BASE_URL ?? baseUrl;
  // Tests start talking to Redis at once; production degrades instead of waiting like this.
  if (options.waitForRedis !== false) await waitFor(() => services.redis.status === 'ready', { what: 'redis connection' });
  // `workers: true` runs every queue but metadata: its jobs fetch from the git upstream on every
  // package create, load that suites about the proxy must not share. Suites that want it name it
  // (workers: { queues: ['metadata'] }) and wait on the package row.
  const workers = options.workers ? startWorkers(services, options.workers === true ? { queues: PIPELINE_QUEUES } : options.workers) : undefined;
  return {
    services,
    web,
    workers,
    baseUrl,
    url: (path) => `${baseUrl}${path}`,
    async reset() {
      // Workers finish what they hold and take nothing new while the state is wiped: a job
      // writing during the TRUNCATE would deadlock with it.
      await Promise.all((workers?.workers ?? []).map((w) => w.pause()));
      await Promise.all(QUEUE_NAMES.map((name) => services.queues.queue(name).obliterate({ force: true })));
      await deleteKeys(services.redis, `${config.redisPrefix}:*`);
      await truncateAll(services.db);
      for (const w of workers?.workers ?? []) w.resume();
      // The truncate restarts the clicks id sequence: ids reserved from it before are reissued.
      web.clickIds.discard();
    },
    async stop() {
      await web.close(1000);
      await workers?.close();
      await closeServices(services);
    },
  };
}
