import { closeServices, createServices } from '../services';
import { startWorkers } from '../workers/run';
import { registerSchedules } from '../queues/repeating-jobs';
import { onShutdown, startProcess } from './lifecycle';

async function main(): Promise<void> {
  const { config, logger } = await startProcess('worker');
  const services = createServices(config, { logger });
  const workers = startWorkers(services);
  registerSchedules(services);
  services.logger.info({ category: 'worker', queues: workers.workers.map((w) => w.name) }, 'workers running');
  onShutdown(services.logger, async () => {
    await workers.close();
    await closeServices(services);
  });
}

void main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
