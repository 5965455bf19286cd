import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ClickEvent } from '../../src/lib/edge-events';
import { reserveClickIds } from '../../src/db/click-id-store';
import { AFTER_INSERT, storeClicks, type AfterInsertStep } from '../../src/db/click-store';
import { ClickCoalescer } from '../../src/workers/click-coalescer';
import { enrichClick } from '../../src/workers/ingest-clicks';
import { useStackWithAccount } from '../helpers/use-stack';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('Click writes shared by concurrent ingest jobs', () => {
  const { stack, account } = useStackWithAccount();

  async function link(): Promise<number> {
    const [row] = await stack.services.db('links').insert({ user_id: account.user.id, short_code: `c${randomUUID().slice(0, 8)}`, destination_url: 'https://example.com' }).returning('id');
    return row.id;
  }

  function rows(linkId: number, n: number) {
    return Array.from({ length: n }, () => {
      const event: ClickEvent = { id: randomUUID(), linkId, userId: account.user.id, variantId: null, at: Date.now(), ip: '81.2.69.160', userAgent: UA, referrer: null };
      return enrichClick(stack.services.config.appSecret, event);
    });
  }

  async function clickCount(id: number): Promise<number> {
    return (await stack.services.db('links').where({ id }).first()).click_count;
  }

  it('answers each of many concurrent jobs with its own inserted clicks, an event sent twice counted once', async () => {
    const coalescer = new ClickCoalescer(stack.services.db);
    const id = await link();
    const batches = Array.from({ length: 10 }, () => rows(id, 50));
    const repeated = batches[0]!.slice(0, 10);
    const results = await Promise.all([...batches, repeated].map((b) => coalescer.write(b)));
    assert.deepEqual(results.slice(0, 10).map((r) => r.length), Array(10).fill(50));
    assert.equal(results[10]!.length, 0, 'the repeated events were inserted for the first job');
    assert.equal(await clickCount(id), 500);
    assert.equal((await coalescer.write(batches[3]!)).length, 0, 'a redelivered job inserts nothing');
    assert.equal(await clickCount(id), 500);
  });

  async function storedIds(linkId: number): Promise<Map<string, number>> {
    const stored = await stack.services.db('clicks').where({ link_id: linkId }).select('event_id', 'id');
    return new Map(stored.map((r: { event_id: string; id: number }) => [r.event_id, r.id]));
  }

  it('stores a batch that repeats some stored events once: only its new rows are inserted, counted and reported, with their stored ids', async () => {
    const id = await link();
    const first = rows(id, 5);
    await storeClicks(stack.services.db, first);
    const fresh = rows(id, 3);
    const inserted = await storeClicks(stack.services.db, [...first.slice(0, 2), ...fresh, ...first.slice(2)]);
    assert.deepEqual(inserted.map((c) => c.event_id).sort(), fresh.map((r) => r.event_id).sort());
    const ids = await storedIds(id);
    assert.equal(ids.size, 8);
    for (const click of inserted) assert.equal(click.id, ids.get(click.event_id));
    assert.equal(await clickCount(id), 8);
  });

  it('keeps an id minted at the edge and gives the others ids from the clicks sequence, each reported as stored', async () => {
    const id = await link();
    const [minted] = await reserveClickIds(stack.services.db, 1);
    const batch = rows(id, 3);
    batch[1]!.id = minted;
    const inserted = await storeClicks(stack.services.db, batch);
    const ids = await storedIds(id);
    assert.equal(ids.get(batch[1]!.event_id), minted);
    assert.deepEqual(inserted.map((c) => [c.event_id, c.id]), batch.map((r) => [r.event_id, ids.get(r.event_id)]));
    assert.equal(new Set(ids.values()).size, 3);
  });

  it('drops the clicks of a link deleted while they were queued, without failing the others', async () => {
    const coalescer = new ClickCoalescer(stack.services.db);
    const kept = await link();
    const deleted = await link();
    const lost = rows(deleted, 5);
    await stack.services.db('links').where({ id: deleted }).delete();
    const [good, gone] = await Promise.all([coalescer.write(rows(kept, 5)), coalescer.write(lost)]);
    assert.equal(good.length, 5);
    assert.equal(gone.length, 0);
    assert.equal(await clickCount(kept), 5);
  });

  it('deletes a link\'s stored clicks with it, also when the deletion waits for a batch that holds the link', async () => {
    const coalescer = new ClickCoalescer(stack.services.db);
    const id = await link();
    await coalescer.write(rows(id, 5));
    // A batch holds the link (as storeClicks does) while the deletion is asked for: the deletion
    // waits for it, then takes the batch's clicks too.
    const trx = await stack.services.db.transaction();
    await trx.raw('SELECT id FROM links WHERE id = ? FOR NO KEY UPDATE', [id]);
    const deletion = stack.services.db('links').where({ id }).delete();
    const [late] = await Promise.all([storeClicks(trx, rows(id, 3)).then(async (inserted) => (await trx.commit(), inserted)), deletion]);
    assert.equal(late.length, 3);
    assert.equal(Number((await stack.services.db('clicks').where({ link_id: id }).count({ n: '*' }))[0]?.n), 0, 'no click outlives its link');
  });

  it('stores every text exactly as given, whatever characters it holds', async () => {
    const id = await link();
    const texts = ['São "Paulo", {x}\\y', 'NULL', ' padded ', '', 'null', 'a,b', '{}', 'tab\there', '日本'];
    const batch = rows(id, texts.length).map((row, i) => ({ ...row, city: texts[i]!, referrer_domain: texts[(i + 1) % texts.length]!, browser_family: texts[(i + 2) % texts.length]! }));
    await storeClicks(stack.services.db, batch);
    const stored = await stack.services.db('clicks').where({ link_id: id }).select('event_id', 'city', 'referrer_domain', 'browser_family');
    const byEvent = new Map(stored.map((r) => [r.event_id, r]));
    for (const row of batch) {
      const back = byEvent.get(row.event_id);
      assert.deepEqual([back?.city, back?.referrer_domain, back?.browser_family], [row.city, row.referrer_domain, row.browser_family]);
    }
  });

  it('fails only the bad job of a shared write; the others are stored', async () => {
    const coalescer = new ClickCoalescer(stack.services.db);
    const id = await link();
    const bad = rows(id, 3);
    bad[1]!.country_code = 'GBR'; // does not fit char(2): the insert fails
    const [good, failed] = await Promise.allSettled([coalescer.write(rows(id, 4)), coalescer.write(bad), coalescer.write(rows(id, 6))]).then((r) => [r[0], r[1]]);
    assert.equal(good?.status, 'fulfilled');
    assert.equal(failed?.status, 'rejected');
    assert.equal(await clickCount(id), 10);
  });

  it('under steady traffic waits for more batches to share a transaction; a lone batch after a pause is written at once', async () => {
    let transactions = 0;
    const counting: AfterInsertStep = async () => {
      transactions++;
    };
    // A minute's linger: a lone batch that waited for company would time the test out.
    const coalescer = new ClickCoalescer(stack.services.db, [...AFTER_INSERT, counting], 10, 60_000);
    const id = await link();
    assert.equal((await coalescer.write(rows(id, 3))).length, 3);
    assert.equal(transactions, 1);
    const second = coalescer.write(rows(id, 4)); // within the linger of the first: waits
    const third = coalescer.write(rows(id, 6)); // 10 rows waiting: both are written now, together
    assert.deepEqual((await Promise.all([second, third])).map((inserted) => inserted.length), [4, 6]);
    assert.equal(transactions, 2);
    assert.equal(await clickCount(id), 13);
  });
});
