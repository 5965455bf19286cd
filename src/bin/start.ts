import { closeServices, createServices } from '../services';
import { startWeb } from '../web';
import { startWorkers } from '../workers/run';
import { scheduleJobMaintenance } from '../jobs/schedule';
import { configOrExit, onShutdown, processLogger } from './lifecycle';
import { release } from './release';

/** `npm start`: the whole system in one process for a local run — migrate, then web and workers. */
async function main(): Promise<void> {
  await release();
  const config = configOrExit();
  const services = createServices(config, { logger: processLogger(config, 'linktally') });
  const workers = startWorkers(services);
  // Repeating jobs are registered by worker processes only; an upsert, so every worker may.
  scheduleJobMaintenance(services).catch((err: unknown) => services.logger.error({ category: 'jobs', err: (err as Error).message }, 'could not schedule job maintenance'));
  const web = await startWeb(services);
  onShutdown(services.logger, async () => {
    await web.close();
    await workers.close();
    await closeServices(services);
  });
}

void main().catch((err: unknown) => {
  process.stderr.write(`start failed: ${(err as Error).message}\n`);
  process.exit(1);
});
