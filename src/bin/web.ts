import cluster from 'node:cluster';
import { installEdgeSafetyNet } from '../proxy/edge-safety-net';
import { closeServices, createServices } from '../services';
import { startWeb } from '../web';
import { onShutdown, processLogger, reportReady, reportWebLoad, settingsOrExit, startProcess } from './lifecycle';
import { checkConnections } from './preflight';
import { runWebCluster } from './web-cluster';

/** One web process; or, with WEB_CONCURRENCY above 1, the primary of that many sharing the port. */
async function main(): Promise<void> {
  const settings = settingsOrExit();
  if (cluster.isPrimary && settings.webConcurrency > 1) {
    runWebCluster(settings.webConcurrency, processLogger(settings, 'web'));
    return;
  }
  const { config, logger } = await startProcess('web');
  const services = createServices(config, { logger });
  installEdgeSafetyNet(services.logger);
  try {
    await checkConnections(services);
  } catch (err) {
    await closeServices(services).catch(() => {});
    throw err;
  }
  const web = await startWeb(services);
  if (cluster.isPrimary) reportReady({ ready: 'web', port: web.port, processes: 1 });
  reportWebLoad();
  onShutdown(services.logger, async () => {
    await web.close();
    await closeServices(services);
  });
}

void main().catch((err: unknown) => {
  process.stderr.write(`web failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
