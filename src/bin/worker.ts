import { closeServices, createServices } from '../services';
import { startWorkers } from '../workers/run';
import { scheduleInstallRollupCatchUp } from '../queues/install-rollups';
import { scheduleWebhookMaintenance } from '../webhooks/schedule';
import { configOrExit, onShutdown, processLogger } from './lifecycle';

function main(): void {
  const config = configOrExit();
  const services = createServices(config, { logger: processLogger(config, 'worker') });
  const workers = startWorkers(services);
  // Periodic repair of install rollups; idempotent, so every worker process may register it.
  scheduleInstallRollupCatchUp(services).catch((err: unknown) => services.logger.error({ category: 'jobs', err: (err as Error).message }, 'could not schedule the install rollup catch-up'));
  scheduleWebhookMaintenance(services).catch((err: unknown) => services.logger.error({ category: 'webhooks', err: (err as Error).message }, 'could not schedule webhook maintenance'));
  services.logger.info({ category: 'worker', queues: workers.workers.map((w) => w.name) }, 'workers running');
  onShutdown(services.logger, async () => {
    await workers.close();
    await closeServices(services);
  });
}

main();
