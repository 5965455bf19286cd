import { installEdgeSafetyNet } from '../proxy/edge-safety-net';
import { closeServices, createServices } from '../services';
import { startWeb } from '../web';
import { onShutdown, startProcess } from './lifecycle';

async function main(): Promise<void> {
  const { config, logger } = await startProcess('web');
  const services = createServices(config, { logger });
  installEdgeSafetyNet(services.logger);
  const web = await startWeb(services);
  onShutdown(services.logger, async () => {
    await web.close();
    await closeServices(services);
  });
}

void main().catch((err: unknown) => {
  process.stderr.write(`web failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
