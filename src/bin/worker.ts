import { closeServices, createServices } from '../services';
import { startWorkers } from '../workers/run';
import { scheduleJobMaintenance } from '../jobs/schedule';
import { configOrExit, onShutdown, processLogger } from './lifecycle';

function main(): void {
  const config = configOrExit();
  const services = createServices(config, { logger: processLogger(config, 'worker') });
  const workers = startWorkers(services);
  // Repeating jobs are registered by worker processes only; an upsert, so every worker may.
  scheduleJobMaintenance(services).catch((err: unknown) => services.logger.error({ category: 'jobs', err: (err as Error).message }, 'could not schedule job maintenance'));
  services.logger.info({ category: 'worker', queues: workers.workers.map((w) => w.name) }, 'workers running');
  onShutdown(services.logger, async () => {
    await workers.close();
    await closeServices(services);
  });
}

main();
