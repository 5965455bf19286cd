import assert from 'node:assert/strict';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { startMetricsServer } from '../../src/metrics-endpoint';
import { useStackWithAccount } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

const TOKEN = 'metrics-token-0123456789';

describe('GET /metrics (web port and the worker listener)', () => {
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
    const text = await (await scrape(stack.url('/metrics'))).text();
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

  it('serves the worker its own listener, with job durations by job name', async () => {
    const worker = await startMetricsServer(stack.services, 0);
    try {
      const url = `http://127.0.0.1:${worker.port}/metrics`;
      assert.equal((await scrape(url, null)).status, 401);
      await (await fetch(stack.url('/api/v1/links/export'), { headers: account.auth })).arrayBuffer();
      await waitFor(async () => /linktally_job_duration_seconds_count\{job="build-export",outcome="completed"\} [1-9]/.test(await (await scrape(url)).text()), { what: 'an export job in the worker metrics' });
      const text = await (await scrape(url)).text();
      assert.match(text, /linktally_queue_jobs\{queue="exports",state="completed"\} \d+/);
      assert.equal((await fetch(`http://127.0.0.1:${worker.port}/other`)).status, 404);
    } finally {
      worker.server.close();
    }
  });
});
