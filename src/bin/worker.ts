import { reportGeoipAge } from '../workers/geoip-age';
import { startMetricsListener } from '../workers/metrics-listener';
import { closeServices, createServices } from '../services';
import { startWorkers } from '../workers/run';
import { yieldToWeb } from '../workers/yield-to-web';
import { registerSchedules } from '../queues/repeating-jobs';
import { onShutdown, reportReady, startProcess } from './lifecycle';
import { checkConnections } from './preflight';

async function main(): Promise<void> {
  const { config, logger } = await startProcess('worker');
  const services = createServices(config, { logger });
  try {
    await checkConnections(services);
  } catch (err) {
    await closeServices(services).catch(() => {});
    throw err;
  }
  await reportGeoipAge(logger);
  const workers = startWorkers(services);
  yieldToWeb(workers.workers, config.workerYieldMs, services.logger);
  registerSchedules(services);
  // Its own listener: a worker has no web port (Heroku routes none to it).
  const metricsServer = config.metricsPort === null ? undefined : await startMetricsListener(services, config.metricsPort);
  if (metricsServer) logger.info({ category: 'metrics', port: metricsServer.port }, 'worker metrics listening');
  const queues = workers.workers.map((w) => w.name);
  services.logger.info({ category: 'worker', queues }, 'workers running');
  reportReady({ ready: 'worker', queues });
  onShutdown(services.logger, async () => {
    metricsServer?.server.close();
    await workers.close();
    await closeServices(services);
  });
}

void main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
