import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { startWorkers } from '../../src/workers/run';
import { sealEvents } from '../../src/queues/sealed-events';
import { createAccount } from '../helpers/accounts';
import { startStack } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

describe('Graceful shutdown', () => {
  const { stack } = useStack();

  it('lets a worker finish its active job before close() resolves', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    let finished = false;
    const workers = startWorkers(stack.services, {
      queues: ['clicks'],
      processors: {
        'ingest-clicks': async () => {
          started = true;
          await gate;
          finished = true;
        },
      },
    });
    const completed: string[] = [];
    workers.workers[0]?.on('completed', (job) => completed.push(job.id ?? ''));
    const jobId = await stack.services.queues.add('ingest-clicks', { sealed: sealEvents(stack.services.config.appSecret, []) });
    await waitFor(() => started, { what: 'job to start' });

    let closed = false;
    const closing = workers.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(closed, false, 'close() waits while a job is active');
    release();
    await closing;
    assert.equal(finished, true);
    assert.deepEqual(completed, [jobId], 'the job completed rather than being abandoned');
  });

  it('finishes an in-flight API request and refuses new connections after close', async () => {
    const other = await startStack();
    const account = await createAccount(other.services);
    const body = JSON.stringify({ link: { destination_url: 'https://example.com', short_code: `s${randomUUID().slice(0, 8)}` } });

    const response = new Promise<number>((resolve, reject) => {
      const req = httpRequest(other.url('/api/v1/links'), { method: 'POST', headers: { ...account.auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      // Half the body now, the rest after shutdown has begun.
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 200);
    });
    await new Promise((r) => setTimeout(r, 50));
    const closing = other.stop();
    assert.equal(await response, 201);
    await closing;
    await assert.rejects(fetch(other.url('/healthz')));
  });
});
