import { closeServices, createServices } from '../services';
import { scheduleAnalyticsJobs } from '../workers/analytics-schedules';
import { startWorkers } from '../workers/run';
import { configOrExit, onShutdown, processLogger } from './lifecycle';

function main(): void {
  const config = configOrExit();
  const services = createServices(config, { logger: processLogger(config, 'worker') });
  const workers = startWorkers(services);
  services.logger.info({ category: 'worker', queues: workers.workers.map((w) => w.name) }, 'workers running');
  scheduleAnalyticsJobs(services).catch((err: unknown) => services.logger.error({ category: 'worker', err: (err as Error).message }, 'could not register analytics schedules'));
  onShutdown(services.logger, async () => {
    await workers.close();
    await closeServices(services);
  });
}

main();
