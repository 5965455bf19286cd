import { closeServices, createServices } from '../services';
import { startWorkers } from '../workers/run';
import { registerSchedules } from '../queues/repeating-jobs';
import { configOrExit, onShutdown, processLogger } from './lifecycle';

function main(): void {
  const config = configOrExit();
  const services = createServices(config, { logger: processLogger(config, 'worker') });
  const workers = startWorkers(services);
  registerSchedules(services);
  services.logger.info({ category: 'worker', queues: workers.workers.map((w) => w.name) }, 'workers running');
  onShutdown(services.logger, async () => {
    await workers.close();
    await closeServices(services);
  });
}

main();
