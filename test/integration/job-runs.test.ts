import assert from 'node:assert/strict';
import type { Job } from 'bullmq';
import { FileWriter, readFileChunks, CHUNK_BYTES } from '../../src/db/file-store';
import { createRun } from '../../src/db/job-store';
import { runJob } from '../../src/workers/run-job';
import { PRUNE_SCHEDULER_ID, scheduleJobMaintenance } from '../../src/queues/repeating-jobs';
import { buildExport } from '../../src/workers/build-export';
import { pruneJobs } from '../../src/workers/prune-jobs';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

describe('Job runs and stored files', () => {
  const { stack, account } = useStackWithAccount();

  const count = async (table: string) => Number((await stack.services.db(table).count({ n: '*' }))[0]?.n);

  it('stores a file in chunks and reads it back byte for byte', async () => {
    const text = 'é,"x"\n'.repeat(Math.ceil((CHUNK_BYTES * 2.5) / 7));
    const file = await stack.services.db.transaction(async (trx) => {
      const writer = await FileWriter.create(trx, { runId: null, userId: account.user.id, fileName: 'f.csv', contentType: 'text/csv', expiresAt: new Date(Date.now() + 60_000) });
      for (let i = 0; i < text.length; i += 10_000) await writer.write(text.slice(i, i + 10_000));
      return writer.finish();
    });
    assert.equal(file.chunk_count, 3);
    assert.equal(file.byte_size, Buffer.byteLength(text));
    const parts: Buffer[] = [];
    for await (const chunk of readFileChunks(stack.services.db, file)) parts.push(chunk);
    assert.equal(Buffer.concat(parts).toString('utf8'), text);
  });

  it('prunes expired runs and files with their chunks, and keeps live ones', async () => {
    const live = await createRun(stack.services.db, { userId: account.user.id, kind: 'export-links' });
    const old = await createRun(stack.services.db, { userId: account.user.id, kind: 'export-links' });
    const spec = { kind: 'links' as const, fileName: 'x.csv', filters: {} };
    await buildExport(stack.services, { runId: live.id, userId: account.user.id, spec });
    await buildExport(stack.services, { runId: old.id, userId: account.user.id, spec });
    await stack.services.db('job_runs').where({ id: old.id }).update({ expires_at: new Date(Date.now() - 1000) });
    await stack.services.db('job_files').where({ run_id: old.id }).update({ expires_at: new Date(Date.now() - 1000) });
    const gone = await request(stack.url(`/api/v1/jobs/${old.id}`), { headers: account.auth });
    assert.equal(gone.status, 404, 'an expired run is gone even before it is pruned');

    assert.deepEqual(await pruneJobs(stack.services), { runs: 1, files: 1 });
    assert.equal(await count('job_runs'), 1);
    assert.equal(await count('job_files'), 1);
    assert.equal(await count('job_file_chunks'), 1);
    const kept = await request(stack.url(`/api/v1/jobs/${live.id}`), { headers: account.auth });
    assert.equal(kept.status, 200);
  });

  it('leaves no file behind when an export fails midway, and marks the run failed', async () => {
    const run = await createRun(stack.services.db, { userId: account.user.id, kind: 'export-package', params: { slug: 'gone' } });
    const spec = { kind: 'package' as const, fileName: 'gone.json', packageId: 999_999, format: 'json' as const, days: 30, startDate: new Date(0).toISOString(), endDate: new Date().toISOString() };
    await assert.rejects(buildExport(stack.services, { runId: run.id, userId: account.user.id, spec }), /no longer exists/);
    assert.equal(await count('job_files'), 0);
    assert.equal((await stack.services.db('job_runs').where({ id: run.id }).first()).status, 'failed');
  });

  it('builds a run once: a duplicate delivery after completion changes nothing', async () => {
    const run = await createRun(stack.services.db, { userId: account.user.id, kind: 'export-links' });
    const payload = { runId: run.id, userId: account.user.id, spec: { kind: 'links' as const, fileName: 'x.csv', filters: {} } };
    const first = await buildExport(stack.services, payload);
    const second = await buildExport(stack.services, payload);
    assert.ok(first);
    assert.equal(second, undefined);
    assert.equal(await count('job_files'), 1);
  });

  it('marks a run failed only when its last attempt fails, and shows why on its status URL', async () => {
    const run = await createRun(stack.services.db, { userId: account.user.id, kind: 'export-links' });
    const boom = async () => {
      throw new Error('database on fire');
    };
    const attempt = (made: number) => ({ attemptsMade: made, opts: { attempts: 3 } }) as unknown as Job;
    await assert.rejects(runJob(stack.services, run.id, attempt(0), boom), /on fire/);
    assert.equal((await stack.services.db('job_runs').where({ id: run.id }).first()).status, 'running');
    await assert.rejects(runJob(stack.services, run.id, attempt(2), boom), /on fire/);
    const res = await request(stack.url(`/api/v1/jobs/${run.id}`), { headers: account.auth });
    assert.equal(res.body.status, 'failed');
    assert.equal(res.body.error, 'The job failed; please try again');
    assert.equal(res.body.started_at !== null && res.body.finished_at !== null, true);
    const download = await request(stack.url(`/api/v1/jobs/${run.id}/download`), { headers: account.auth });
    assert.equal(download.status, 404);
  });

  it('reports a run failed when its job is gone from the queue, and leaves a queued one alone', async () => {
    const lost = await createRun(stack.services.db, { userId: account.user.id, kind: 'export-links' });
    const res = await request(stack.url(`/api/v1/jobs/${lost.id}`), { headers: account.auth });
    assert.equal(res.body.status, 'failed');

    const waiting = await createRun(stack.services.db, { userId: account.user.id, kind: 'export-links' });
    await stack.services.queues.add('build-export', { runId: waiting.id, userId: account.user.id, spec: { kind: 'links', fileName: 'x.csv', filters: {} } }, { jobId: waiting.id });
    const queued = await request(stack.url(`/api/v1/jobs/${waiting.id}`), { headers: account.auth });
    assert.equal(queued.body.status, 'queued');
  });

  it('registers one hourly prune schedule however many worker processes start', async () => {
    await scheduleJobMaintenance(stack.services);
    await scheduleJobMaintenance(stack.services);
    const queue = stack.services.queues.queue('exports');
    try {
      const schedulers = await queue.getJobSchedulers();
      assert.deepEqual(schedulers.map((s) => [s.key, s.name, s.every]), [[PRUNE_SCHEDULER_ID, 'prune-jobs', 3600 * 1000]]);
    } finally {
      await queue.removeJobScheduler(PRUNE_SCHEDULER_ID);
    }
  });
});
