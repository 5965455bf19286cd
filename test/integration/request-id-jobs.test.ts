import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Job } from 'bullmq';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { withRequestId } from '../../src/lib/request-context';
import { createLogger } from '../../src/logger';
import { QUEUE_NAMES } from '../../src/queues/registry';
import { closeServices, createServices } from '../../src/services';
import { startWorkers } from '../../src/workers/run';
import { testConfig } from '../helpers/stack';
import { useStackWithAccount } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

describe('X-Request-Id on the jobs a request enqueues', () => {
  // No workers: the jobs stay queued, to be read as the worker would receive them.
  const { stack, account } = useStackWithAccount();
  beforeEach(() => setJobWaitBound(stack.services, 50));

  async function queuedWith(requestId: string): Promise<string[]> {
    const jobs = (await Promise.all(QUEUE_NAMES.map((name) => stack.services.queues.queue(name).getJobs(['waiting', 'active', 'delayed', 'prioritized'])))).flat();
    return jobs.filter((job) => (job.data as { requestId?: string }).requestId === requestId).map((job) => job.name).sort();
  }

  it('carries the request id into the job data of exports, imports and webhook deliveries', async () => {
    const exported = await fetch(stack.url('/api/v1/links/export'), { headers: { ...account.auth, 'X-Request-Id': 'export-req-7' } });
    assert.equal(exported.headers.get('x-request-id'), 'export-req-7');
    await exported.arrayBuffer();
    assert.deepEqual(await queuedWith('export-req-7'), ['build-export']);

    const imported = await fetch(stack.url('/api/v1/links/bulk_import'), {
      method: 'POST', headers: { ...account.auth, 'content-type': 'application/json', 'X-Request-Id': 'import-req-8' },
      body: JSON.stringify({ csv: 'destination_url\nhttps://example.com/i1' }),
    });
    await imported.arrayBuffer();
    assert.deepEqual(await queuedWith('import-req-8'), ['import-links']);

    const settings = await fetch(stack.url('/api/v1/settings'), { method: 'PATCH', headers: { ...account.auth, 'content-type': 'application/json' }, body: JSON.stringify({ webhook_url: 'http://127.0.0.1:9/hook' }) });
    assert.equal(settings.status, 200);
    const created = await fetch(stack.url('/api/v1/links'), {
      method: 'POST', headers: { ...account.auth, 'content-type': 'application/json', 'X-Request-Id': 'hook-req-9' },
      body: JSON.stringify({ link: { destination_url: 'https://example.com/hooked' } }),
    });
    assert.equal(created.status, 201);
    assert.deepEqual(await queuedWith('hook-req-9'), ['deliver-webhook']);
  });

  it('does not stamp a click batch with any one request id: a batch serves many requests', async () => {
    const link = await fetch(stack.url('/api/v1/links'), { method: 'POST', headers: { ...account.auth, 'content-type': 'application/json' }, body: JSON.stringify({ link: { destination_url: 'https://example.com/c', short_code: 'reqclick' } }) });
    assert.equal(link.status, 201);
    await (await fetch(stack.url('/reqclick'), { redirect: 'manual', headers: { 'X-Request-Id': 'click-req-1' } })).arrayBuffer();
    await waitFor(async () => ((await stack.services.queues.queue('clicks').getJobCounts('waiting')).waiting ?? 0) > 0, { what: 'the click batch queued' });
    assert.deepEqual(await queuedWith('click-req-1'), []);
  });
});

describe('A worker logs under the request id its job carries', () => {
  it('puts request_id on the processor\'s own lines and on the line of a job that failed for good', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const capture = new Writable({ write(chunk: Buffer, _enc, done) { for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>); done(); } });
    const services = createServices(testConfig(), { logger: createLogger('debug', 'test', 'json', capture) });
    const workers = startWorkers(services, {
      queues: ['exports'],
      processors: {
        'build-export': async (s: typeof services, _data: unknown, job: Job) => {
          s.logger.info({ category: 'probe', jobId: job.id }, 'processing');
          throw new Error('probe failure');
        },
      },
    });
    try {
      await withRequestId('job-req-42', () => services.queues.add('build-export', { runId: 'probe', userId: 1, spec: { kind: 'links' } as never }, { attempts: 1 }));
      const failed = await waitFor(() => lines.find((l) => l.msg === 'job failed for good'), { what: 'the failure line' });
      assert.equal(failed.request_id, 'job-req-42');
      assert.equal(lines.find((l) => l.msg === 'processing')?.request_id, 'job-req-42');
    } finally {
      await workers.close();
      await closeServices(services);
    }
  });
});
