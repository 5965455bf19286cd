import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ClickEvent } from '../../src/lib/edge-events';
import type { WebLoadMessage } from '../../src/lib/web-load';
import { createLink } from '../../src/domain/links';
import { createLogger } from '../../src/logger';
import { sealEvents } from '../../src/queues/sealed-events';
import { closeServices, createServices, type Services } from '../../src/services';
import { createAccount } from '../helpers/accounts';
import { runProcess, type AppProcess } from '../helpers/processes';
import { testConfig } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/**
 * The worker process as `npm start` runs it, with this test in the supervisor's place: it sends
 * the web's load readings (lib/web-load.ts) over the IPC channel, as bin/start.ts passes them on.
 */
describe('npm start: the worker holds back ingest while the web process is busy', function () {
  this.timeout(60_000);
  let services: Services;
  let worker: AppProcess | undefined;
  let readings: NodeJS.Timeout | undefined;

  before(() => {
    services = createServices(testConfig(), { logger: createLogger('silent') });
  });

  afterEach(async () => {
    clearInterval(readings);
    await worker?.stop();
  });

  after(async () => {
    await closeServices(services);
  });

  function sendLoad(webLoad: number): void {
    clearInterval(readings);
    const send = () => worker?.child.connected && worker.child.send({ webLoad } satisfies WebLoadMessage);
    send();
    readings = setInterval(send, 250);
  }

  async function queueClicks(n: number): Promise<number> {
    const account = await createAccount(services);
    const link = await createLink(services.db, { user_id: account.user.id, destination_url: 'https://example.com/landing' });
    const events: ClickEvent[] = Array.from({ length: n }, () => ({
      id: randomUUID(), linkId: link.id, userId: account.user.id, variantId: null, at: Date.now(), ip: '81.2.69.160', userAgent: BROWSER, referrer: null,
    }));
    await services.queues.add('ingest-clicks', { sealed: sealEvents(services.config.appSecret, events) });
    return link.id;
  }

  const clickCount = async (linkId: number) => Number((await services.db('links').where({ id: linkId }).first('click_count'))?.click_count);
  const logged = (text: string) => worker?.output().includes(text) ?? false;

  /** A worker process told the web is saturated, once it has said it holds back. */
  async function startHeldWorker(yieldMs: number): Promise<void> {
    worker = runProcess('worker', { LOG_LEVEL: 'info', LOG_FORMAT: 'json', WORKER_YIELD_MS: String(yieldMs) });
    await worker.ready;
    sendLoad(0.95);
    await waitFor(() => logged('the web process is busy'), { what: 'the worker to hold back' });
  }

  it('keeps the clicks queued while the web is busy, other queues running, and stores them once it is free', async () => {
    await startHeldWorker(60_000);
    const linkId = await queueClicks(3);

    // A job queued after the clicks, on a queue that is not held, is taken and finished meanwhile.
    const rollup = await services.queues.add('rollup-clicks', {});
    await waitFor(async () => (await services.queues.queue('analytics').getJobState(rollup)) === 'unknown', { what: 'the rollup job to finish' });
    assert.equal(await services.queues.queue('clicks').getWaitingCount(), 1, `the click batch waits in the queue: ${JSON.stringify(await services.queues.queue('clicks').getJobCounts())}`);
    assert.equal(await clickCount(linkId), 0);

    sendLoad(0.1);
    await waitFor(async () => (await clickCount(linkId)) === 3, { what: 'the held clicks to be stored' });
    await waitFor(() => logged('the web process is free'), { what: 'the worker to say why it let go' });
  });

  it('stores them after WORKER_YIELD_MS even while the web stays busy', async () => {
    await startHeldWorker(1500);
    const linkId = await queueClicks(2);
    await waitFor(async () => (await clickCount(linkId)) === 2, { what: 'the clicks to be stored despite the load' });
    await waitFor(() => logged('the hold reached WORKER_YIELD_MS'), { what: 'the worker to say why it let go' });
  });
});
