import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ClickEvent } from '../../src/lib/edge-events';
import { createAccount } from '../helpers/accounts';
import { useStack } from '../helpers/use-stack';
import { drainQueues, waitFor } from '../helpers/wait';

const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
const IP = '81.2.69.160';

describe('Raw visitor data in the click queue', () => {
  const { stack } = useStack({ workers: true });

  it('is replaced by the enriched rows when a click job fails for good', async () => {
    const account = await createAccount(stack.services);
    const [link] = await stack.services.db('links').insert({ user_id: account.user.id, short_code: `p${Date.now()}`, destination_url: 'https://example.com' }).returning('id');
    // An event id that is not a uuid: the insert fails on every attempt.
    const events: ClickEvent[] = [{ id: 'not-a-uuid', linkId: link.id, userId: account.user.id, variantId: null, at: Date.now(), ip: IP, userAgent: UA, referrer: 'https://www.google.com/search?q=secret-terms' }];
    const id = await stack.services.queues.add('ingest-clicks', { events }, { attempts: 1, jobId: randomUUID() });
    await drainQueues(stack.services);
    const job = await waitFor(async () => {
      const found = await stack.services.queues.queue('clicks').getJob(id);
      return (await found?.isFailed()) ? found : undefined;
    }, { what: 'the job to fail' });
    const kept = JSON.stringify(job.data);
    assert.ok(!kept.includes(IP), 'no raw IP in the failed job');
    assert.ok(!kept.includes('Firefox/121'), 'no raw user agent in the failed job');
    assert.ok(!kept.includes('secret-terms'), 'no raw referrer');
    assert.equal(job.data.stored[0].country_code, 'GB');
    assert.equal(job.data.stored[0].referrer_domain, 'google.com');
  });
});
