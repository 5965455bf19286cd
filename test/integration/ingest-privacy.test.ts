import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClickEvent, InstallEvent } from '../../src/lib/edge-events';
import type { QueueName } from '../../src/queues/registry';
import { REPEATING_JOBS, scheduleRepeatingJob } from '../../src/queues/repeating-jobs';
import { sealEvents } from '../../src/queues/sealed-events';
import { pruneFailedJobs } from '../../src/workers/prune-failed-jobs';
import { createAccount } from '../helpers/accounts';
import { insertPackage } from '../helpers/install-fixtures';
import type { Stack } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';
import { drainQueues, waitFor } from '../helpers/wait';

const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
const GIT_UA = 'git/2.43.0 (privacy-scan-probe)';
const IP = '81.2.69.160';
const SECRET_TERMS = 'secret-terms';
const RAW = [IP, 'Firefox/121', 'privacy-scan-probe', SECRET_TERMS];

/** Everything stored under this run's Redis prefix, whatever the key's type, as one text per key. */
async function redisContents(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'none') continue; // gone since the scan listed it (an expired lock, a finished job)
      let values: unknown;
      if (type === 'string') values = await redis.get(key);
      else if (type === 'hash') values = await redis.hgetall(key);
      else if (type === 'list') values = await redis.lrange(key, 0, -1);
      else if (type === 'set') values = await redis.smembers(key);
      else if (type === 'zset') values = await redis.zrange(key, '0', '-1');
      else if (type === 'stream') values = await redis.xrange(key, '-', '+');
      else throw new Error(`key ${key} has a type the scan does not read: ${type}`);
      contents.set(key, `${key} ${JSON.stringify(values)}`);
    }
  } while (cursor !== '0');
  return contents;
}

async function rawVisitorDataIn(stack: Stack): Promise<string[]> {
  const found: string[] = [];
  for (const [key, text] of await redisContents(stack.services.redis as Redis, stack.services.config.redisPrefix)) {
    for (const raw of RAW) if (text.includes(raw)) found.push(`${raw} in ${key}`);
  }
  return found;
}

function jobIn(stack: Stack, queue: QueueName, id: string, state: 'delayed' | 'failed'): Promise<Job> {
  return waitFor(async () => {
    const job = await stack.services.queues.queue(queue).getJob(id);
    return job && (await job.getState()) === state ? job : undefined;
  }, { what: `${queue} job ${id} to be ${state}` });
}

describe('Raw visitor data in Redis', () => {
  const { stack } = useStack({ workers: true, env: { TRUST_PROXY: '1' } });

  it('the scan finds a raw value wherever it is kept, so its silence means something', async () => {
    const key = `${stack.services.config.redisPrefix}:scan-probe`;
    await stack.services.redis.xadd(key, '*', 'ua', UA);
    assert.deepEqual(await rawVisitorDataIn(stack), [`Firefox/121 in ${key}`]);
    await stack.services.redis.del(key);
  });

  it('is never readable while click and install jobs wait, retry (delayed) and have failed', async () => {
    const account = await createAccount(stack.services);
    const code = `p${Date.now()}`;
    const [link] = await stack.services.db('links').insert({ user_id: account.user.id, short_code: code, destination_url: 'https://example.com' }).returning('id');
    const pkg = await insertPackage(stack.services, account.user.id);
    const workers = (stack.workers?.workers ?? []).filter((w) => w.name === 'clicks' || w.name === 'installs');
    await Promise.all(workers.map((w) => w.pause()));

    // Waiting: a real click and a real install sighting, through the edge's buffers into the queues.
    const res = await fetch(stack.url(`/${code}`), { redirect: 'manual', headers: { 'user-agent': UA, 'x-forwarded-for': IP, referer: `https://www.google.com/search?q=${SECRET_TERMS}` } });
    assert.equal(res.status, 302);
    stack.web.installTracker.record({ packageId: pkg.id, subpath: null, type: 'clone_start', at: Date.now(), ip: IP, userAgent: GIT_UA });
    await waitFor(() => stack.web.clicks.pending === 0 && stack.web.installTracker.inFlight === 0 && stack.web.installs.pending === 0, { what: 'edge buffers sent' });
    assert.equal(await stack.services.queues.queue('clicks').getWaitingCount(), 1);
    assert.equal(await stack.services.queues.queue('installs').getWaitingCount(), 1);
    assert.deepEqual(await rawVisitorDataIn(stack), [], 'nothing raw while waiting');

    // Retrying and failed: batches whose insert fails (event ids that are not uuids), two attempts each.
    const secret = stack.services.config.appSecret;
    const click: ClickEvent = { id: 'not-a-uuid', linkId: link.id, userId: account.user.id, variantId: null, at: Date.now(), ip: IP, userAgent: UA, referrer: `https://www.google.com/search?q=${SECRET_TERMS}` };
    const install: InstallEvent = { id: 'not-a-uuid', packageId: pkg.id, type: 'clone_start', sessionId: 'sess_probe', at: Date.now(), ip: IP, userAgent: GIT_UA, subpath: null };
    const retry = { attempts: 2, backoff: { type: 'fixed', delay: 60_000 } };
    const clickJob = await stack.services.queues.add('ingest-clicks', { sealed: sealEvents(secret, [click]) }, { ...retry, jobId: randomUUID() });
    const installJob = await stack.services.queues.add('ingest-installs', { sealed: sealEvents(secret, [install]) }, { ...retry, jobId: randomUUID() });
    for (const w of workers) w.resume();
    const delayed = [await jobIn(stack, 'clicks', clickJob, 'delayed'), await jobIn(stack, 'installs', installJob, 'delayed')];
    assert.deepEqual(await rawVisitorDataIn(stack), [], 'nothing raw while retrying');

    for (const job of delayed) await job.promote();
    const [failedClick, failedInstall] = [await jobIn(stack, 'clicks', clickJob, 'failed'), await jobIn(stack, 'installs', installJob, 'failed')];
    assert.deepEqual(await rawVisitorDataIn(stack), [], 'nothing raw once failed');
    // What a failed job keeps is the enriched form, ready for a manual retry.
    assert.equal(failedClick?.data.stored[0].country_code, 'GB');
    assert.equal(failedClick?.data.stored[0].referrer_domain, 'google.com');
    assert.equal(failedInstall?.data.stored[0].git_version, '2.43.0');
    assert.equal(failedInstall?.data.sealed, undefined);
  });

  it('is gone with a failed job once it outlives its queue lifetime, with no later job failing', async () => {
    const account = await createAccount(stack.services);
    const [link] = await stack.services.db('links').insert({ user_id: account.user.id, short_code: `q${Date.now()}`, destination_url: 'https://example.com' }).returning('id');
    const events: ClickEvent[] = [{ id: 'not-a-uuid', linkId: link.id, userId: account.user.id, variantId: null, at: Date.now(), ip: IP, userAgent: UA, referrer: null }];
    const id = await stack.services.queues.add('ingest-clicks', { sealed: sealEvents(stack.services.config.appSecret, events) }, { attempts: 1, jobId: randomUUID() });
    await drainQueues(stack.services);
    await jobIn(stack, 'clicks', id, 'failed');

    assert.equal(await pruneFailedJobs(stack.services), 0, 'younger than a day: kept');
    assert.ok(await stack.services.queues.queue('clicks').getJob(id));
    assert.equal(await pruneFailedJobs(stack.services, { clicks: 0 }), 1);
    assert.equal(await stack.services.queues.queue('clicks').getJob(id), undefined);

    await scheduleRepeatingJob(stack.services.queues, 'prune-failed-jobs');
    const schedulers = await stack.services.queues.queue('analytics').getJobSchedulers();
    assert.ok(schedulers.some((s) => s.key === REPEATING_JOBS['prune-failed-jobs'].schedulerId && Number(s.every) > 0), 'the prune repeats');
  });
});
