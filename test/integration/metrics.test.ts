import assert from 'node:assert/strict';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { useStackWithAccount } from '../helpers/use-stack';
import { createLogger } from '../../src/logger';
import { QUEUE_NAMES } from '../../src/queues/registry';
import { closeServices, createServices, type Services } from '../../src/services';
import { createAccount } from '../helpers/accounts';
import { freePort } from '../helpers/private-servers';
import { runProcess, type AppProcess } from '../helpers/processes';
import { testConfig } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const TOKEN = 'metrics-token-0123456789';

describe('GET /metrics on the web port', () => {
  const { stack, account } = useStackWithAccount({ workers: true, env: { METRICS_TOKEN: TOKEN } });
  beforeEach(() => setJobWaitBound(stack.services, 10_000));

  function scrape(url: string, token: string | null = TOKEN): Promise<Response> {
    return fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  }

  it('refuses a scrape without the token or with a wrong one', async () => {
    assert.equal((await scrape(stack.url('/metrics'), null)).status, 401);
    assert.equal((await scrape(stack.url('/metrics'), 'wrong-token-0123456789')).status, 401);
  });

  it('counts requests by route template, never by raw path, with the redirect latency', async () => {
    const created = await fetch(stack.url('/api/v1/links'), {
      method: 'POST', headers: { ...account.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ link: { destination_url: 'https://example.com/metered', short_code: 'metered1' } }),
    });
    assert.equal(created.status, 201, await created.text());
    await (await fetch(stack.url('/metered1'), { redirect: 'manual' })).arrayBuffer();
    await (await fetch(stack.url('/api/v1/links/987654'), { headers: account.auth })).arrayBuffer();
    await (await fetch(stack.url('/'), { redirect: 'manual' })).arrayBuffer();
    const text = await (await scrape(stack.url('/metrics'))).text();
    // GET / on the deployment's own host is a page, not a redirect.
    assert.match(text, /linktally_http_requests_total\{method="GET",route="\/",status="[245]\d\d"\} 1\n/);
    assert.match(text, /linktally_http_requests_total\{method="GET",route="\/\{code\}",status="30\d"\} \d+/);
    assert.match(text, /linktally_http_requests_total\{method="GET",route="\/api\/v1\/links\/:id",status="404"\} \d+/);
    assert.match(text, /linktally_redirect_duration_seconds_count [1-9]/);
    assert.doesNotMatch(text, /metered1|987654/);
    assert.match(text, /linktally_queue_jobs\{queue="clicks",state="waiting"\} \d+/);
    assert.match(text, /linktally_queue_jobs\{queue="exports",state="failed"\} \d+/);
    assert.match(text, /linktally_pg_pool_connections\{state="used"\} \d+/);
    assert.match(text, /linktally_buffer_pending_events\{buffer="clicks"\} \d+/);
    assert.match(text, /linktally_buffer_dropped_events\{buffer="installs"\} 0/);
    assert.match(text, /linktally_rollup_lag_seconds \d/);
  });
});

describe('GET /metrics of a web process and of a worker process, each its own', function () {
  this.timeout(90_000);
  let services: Services;
  let web: AppProcess;
  let worker: AppProcess;
  let webPort: number;
  let workerPort: number;

  before(async () => {
    services = createServices(testConfig(), { logger: createLogger('silent') });
    [webPort, workerPort] = [await freePort(), await freePort()];
    const env = { METRICS_TOKEN: TOKEN, WEB_CONCURRENCY: '1', WEBHOOK_RETRY_DELAYS_MS: '50,50,50', WEBHOOK_TIMEOUT_MS: '2000' };
    web = runProcess('web', { ...env, PORT: String(webPort) });
    worker = runProcess('worker', { ...env, METRICS_PORT: String(workerPort) });
    await Promise.all([web.ready, worker.ready]);
  });

  after(async () => {
    await Promise.all([web?.stop(), worker?.stop()]);
    await closeServices(services);
  });

  async function scrape(port: number): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    return res.text();
  }

  it('web counts requests and buffers; the worker counts its jobs, failures and webhook outcomes; both read every queue and the pool', async () => {
    const account = await createAccount(services);
    const api = `http://127.0.0.1:${webPort}/api/v1`;
    const json = { ...account.auth, 'content-type': 'application/json' };
    const link = await fetch(`${api}/links`, { method: 'POST', headers: json, body: JSON.stringify({ link: { destination_url: 'https://example.com/two', short_code: 'metered2' } }) });
    assert.equal(link.status, 201);
    const linkId = ((await link.json()) as { link: { id: number } }).link.id;
    assert.equal((await fetch(`http://127.0.0.1:${webPort}/metered2`, { redirect: 'manual', headers: { 'user-agent': 'curl/8.0' } })).status, 302);
    // Stored before a webhook URL exists, so the test delivery below is the only one.
    await waitFor(async () => (await services.db('links').where({ id: linkId }).first('click_count'))?.click_count === 1, { what: 'the click stored' });
    // A receiver that refuses connections: every attempt fails, the last one for good.
    const closed = await freePort();
    assert.equal((await fetch(`${api}/settings`, { method: 'PATCH', headers: json, body: JSON.stringify({ webhook_url: `http://127.0.0.1:${closed}/hook` }) })).status, 200);
    assert.equal((await fetch(`${api}/webhooks/test`, { method: 'POST', headers: account.auth })).status, 202);

    const workerText = await waitFor(async () => {
      const text = await scrape(workerPort);
      return /linktally_webhook_deliveries_total\{outcome="failed"\} 1/.test(text) ? text : undefined;
    }, { what: `the webhook delivery failed for good in the worker metrics`, timeoutMs: 20_000 });
    assert.match(workerText, /linktally_webhook_deliveries_total\{outcome="retrying"\} 3/);
    assert.match(workerText, /linktally_job_failures_total\{job="deliver-webhook"\} 3/);
    assert.match(workerText, /linktally_job_duration_seconds_count\{job="ingest-clicks",outcome="completed"\} [1-9]/);
    const webText = await scrape(webPort);
    assert.match(webText, /linktally_http_requests_total\{method="GET",route="\/\{code\}",status="302"\} 1/);
    assert.match(webText, /linktally_redirect_duration_seconds_count 1/);
    assert.match(webText, /linktally_buffer_pending_events\{buffer="clicks"\} 0/);
    // Each process exposes its own instruments: no redirects in the worker, no jobs in web.
    assert.doesNotMatch(workerText, /linktally_http_requests_total\{/);
    assert.doesNotMatch(webText, /linktally_job_duration_seconds_count\{/);
    for (const text of [webText, workerText]) {
      for (const queue of QUEUE_NAMES) assert.match(text, new RegExp(`linktally_queue_jobs\\{queue="${queue}",state="failed"\\} \\d+`), queue);
      assert.match(text, /linktally_pg_pool_connections\{state="free"\} \d+/);
      assert.match(text, /linktally_pg_pool_max \d+/);
      assert.match(text, /linktally_rollup_lag_seconds \d/);
    }
  });
});
