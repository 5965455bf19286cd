import assert from 'node:assert/strict';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { QUEUE_NAMES } from '../../src/queues/registry';
import { useStackWithAccount } from '../helpers/use-stack';

describe('X-Request-Id on the jobs a request enqueues', () => {
  // No workers: the job stays queued, to be read as the worker would receive it.
  const { stack, account } = useStackWithAccount();
  beforeEach(() => setJobWaitBound(stack.services, 50));

  it('carries the request id into the job data (the worker runs the job under it)', async () => {
    const res = await fetch(stack.url('/api/v1/links/export'), { headers: { ...account.auth, 'X-Request-Id': 'export-req-7' } });
    assert.equal(res.headers.get('x-request-id'), 'export-req-7');
    await res.arrayBuffer();
    const jobs = (await Promise.all(QUEUE_NAMES.map((name) => stack.services.queues.queue(name).getJobs(['waiting', 'active', 'delayed', 'prioritized'])))).flat();
    const exported = jobs.filter((job) => (job.data as { requestId?: string }).requestId === 'export-req-7');
    assert.equal(exported.length, 1, `jobs: ${jobs.map((j) => j.name).join(', ')}`);
  });
});
