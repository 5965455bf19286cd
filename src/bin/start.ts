import { installEdgeSafetyNet } from '../proxy/edge-safety-net';
import { closeServices, createServices } from '../services';
import { startWeb } from '../web';
import { startWorkers } from '../workers/run';
import { registerSchedules } from '../queues/repeating-jobs';
import { onShutdown, startProcess } from './lifecycle';
import { release } from './release';

/** `npm start`: the whole system in one process for a local run — migrate, then web and workers. */
async function main(): Promise<void> {
  await release();
  const { config, logger } = await startProcess('linktally');
  const services = createServices(config, { logger });
  installEdgeSafetyNet(services.logger);
  const workers = startWorkers(services);
  registerSchedules(services);
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
