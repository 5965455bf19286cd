import assert from 'node:assert/strict';
import { Worker } from 'bullmq';
import { bullPrefix, QUEUE_NAMES } from '../../src/queues/registry';
import { createRedis } from '../../src/redis';
import { createAccount } from '../helpers/accounts';
import { signUp, type BrowserSession } from '../helpers/sessions';
import { useStack } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

const VISITOR_IP = '203.0.113.77';
const VISITOR_UA = 'QueueBoardProbe/7.3 (private-agent-string)';

describe('The queue dashboard at /admin/queues (bull-board, administrators only)', () => {
  // No workers: the jobs the test makes stay where it puts them. One trusted hop, so the
  // visitor's address is the X-Forwarded-For one, which must never show.
  const { stack } = useStack({ env: { TRUST_PROXY: '1' } });
  const seen: string[] = [];

  async function board(path: string, headers: Record<string, string>, init: { method?: string; body?: string } = {}): Promise<{ status: number; text: string }> {
    const res = await fetch(stack.url(`/admin/queues${path}`), { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
    const text = await res.text();
    seen.push(text);
    return { status: res.status, text };
  }

  /** The headers of the board's own page in a browser: the cookie, and Origin on changes. */
  function browser(session: BrowserSession): Record<string, string> {
    return { ...session.cookie, origin: stack.baseUrl };
  }

  /** One job of `queue` moved to failed, as a worker that threw would leave it. */
  async function failedJob(queue: 'imports'): Promise<string> {
    const job = await stack.services.queues.queue(queue).add('import-links', { runId: 'queue-board-probe' }, { attempts: 1 });
    const worker = new Worker(queue, null, { connection: createRedis(stack.services.config, 'worker'), prefix: bullPrefix(stack.services.config.redisPrefix), autorun: false });
    try {
      const taken = await worker.getNextJob('probe-token');
      assert.equal(taken?.id, job.id);
      await taken!.moveToFailed(new Error('probe failure'), 'probe-token');
    } finally {
      await worker.close();
    }
    return job.id!;
  }

  after(() => {
    // Every answer the board gave in this suite, pages and JSON alike.
    for (const text of seen) {
      assert.ok(!text.includes(VISITOR_IP), 'a raw visitor address reached the board');
      assert.ok(!text.includes(VISITOR_UA), 'a raw user agent reached the board');
    }
  });

  it('refuses everyone but administrators: 401 without credentials, 403 for other users and for tokens without settings:manage', async () => {
    const admin = await signUp(stack);
    assert.equal(admin.user.is_admin, true);
    const someone = await createAccount(stack.services);
    const adminToken = await createAccount(stack.services, { scopes: ['links:read'] });
    await stack.services.db('users').where({ id: adminToken.user.id }).update({ is_admin: true });
    for (const path of ['', '/api/queues', '/api/queues/clicks/1']) {
      assert.equal((await board(path, {})).status, 401, path);
      assert.equal((await board(path, someone.auth)).status, 403, path);
      assert.equal((await board(path, adminToken.auth)).status, 403, path);
    }
    const page = await board('', browser(admin));
    assert.equal(page.status, 200);
    assert.match(page.text, /<html/i);
  });

  it('lists every queue of the registry to an admin session and to an admin token', async () => {
    const admin = await signUp(stack);
    const token = await createAccount(stack.services);
    await stack.services.db('users').where({ id: token.user.id }).update({ is_admin: true });
    for (const headers of [browser(admin), token.auth]) {
      const res = await board('/api/queues', headers);
      assert.equal(res.status, 200, res.text);
      const names = (JSON.parse(res.text) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
      assert.deepEqual(names, [...QUEUE_NAMES].sort());
    }
  });

  it('shows a click batch only as sealed data, never the visitor address or user agent', async () => {
    const admin = await signUp(stack);
    const owner = await createAccount(stack.services);
    const created = await fetch(stack.url('/api/v1/links'), {
      method: 'POST', headers: { ...owner.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ link: { destination_url: 'https://example.com/board', short_code: 'boardprobe' } }),
    });
    assert.equal(created.status, 201);
    const click = await fetch(stack.url('/boardprobe'), { headers: { 'user-agent': VISITOR_UA, 'x-forwarded-for': VISITOR_IP }, redirect: 'manual' });
    assert.equal(click.status, 302);
    const clicks = stack.services.queues.queue('clicks');
    await waitFor(async () => ((await clicks.getJobCounts('waiting')).waiting ?? 0) > 0, { what: 'the click batch queued' });

    const listed = await board('/api/queues?activeQueue=clicks&status=waiting&page=1&jobsPerPage=10', browser(admin));
    assert.equal(listed.status, 200, listed.text);
    const queue = (JSON.parse(listed.text) as { queues: { name: string; jobs: { id: string; data: { sealed: string } }[] }[] }).queues.find((q) => q.name === 'clicks')!;
    assert.equal(queue.jobs.length, 1);
    assert.match(queue.jobs[0]!.data.sealed, /^\[sealed visitor data: \d+ characters\]$/);
    const one = await board(`/api/queues/clicks/${encodeURIComponent(queue.jobs[0]!.id)}`, browser(admin));
    assert.equal(one.status, 200);
    assert.match(one.text, /sealed visitor data/);
    // The sealed blob itself stays in Redis untouched: the redaction is the board's view only.
    const stored = await clicks.getJob(queue.jobs[0]!.id);
    assert.doesNotMatch((stored!.data as { sealed: string }).sealed, /^\[/);
  });

  it('cleans and retries a failed job', async () => {
    const admin = await signUp(stack);
    const imports = stack.services.queues.queue('imports');
    const doomed = await failedJob('imports');
    const failed = await board('/api/queues?activeQueue=imports&status=failed&page=1&jobsPerPage=10', browser(admin));
    assert.match(failed.text, /probe failure/);
    const cleaned = await board(`/api/queues/imports/${doomed}/clean`, browser(admin), { method: 'PUT' });
    assert.equal(cleaned.status, 204, cleaned.text);
    assert.equal(await imports.getJob(doomed), undefined);

    const id = await failedJob('imports');
    const retried = await board(`/api/queues/imports/${id}/retry`, browser(admin), { method: 'PUT' });
    assert.equal(retried.status, 204, retried.text);
    assert.equal(await (await imports.getJob(id))?.getState(), 'waiting');
  });

  it('refuses a change from another origin, and adding or editing jobs from anywhere', async () => {
    const admin = await signUp(stack);
    const id = await failedJob('imports');
    const forged = await board(`/api/queues/imports/${id}/retry`, { ...admin.cookie, origin: 'https://evil.example' }, { method: 'PUT' });
    assert.equal(forged.status, 403);
    const noOrigin = await board(`/api/queues/imports/${id}/retry`, admin.cookie, { method: 'PUT' });
    assert.equal(noOrigin.status, 403);
    assert.equal(await (await stack.services.queues.queue('imports').getJob(id))?.getState(), 'failed');

    const json = { ...browser(admin), 'content-type': 'application/json' };
    const edit = await board(`/api/queues/imports/${id}/update-data`, json, { method: 'PATCH', body: JSON.stringify({ data: { runId: 'x' } }) });
    assert.equal(edit.status, 403);
    const add = await board('/api/queues/clicks/add', json, { method: 'POST', body: JSON.stringify({ name: 'ingest-clicks', data: {} }) });
    assert.equal(add.status, 403);
    const obliterate = await board('/api/queues/clicks/obliterate', json, { method: 'PUT', body: '{}' });
    assert.equal(obliterate.status, 403);
  });
});
