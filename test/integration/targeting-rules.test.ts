import assert from 'node:assert/strict';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { createAccount } from '../helpers/accounts';
import { drainQueues, waitFor } from '../helpers/wait';

const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const GB_ADDRESS = '81.2.69.160';

describe('Targeting rules', () => {
  const { stack, account } = useStackWithAccount({ workers: true, env: { TRUST_PROXY: '1' } }, { plan: 'pro' });

  async function created(): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/usual', utm_params: { utm_source: 'qr' } } } });
    assert.equal(res.status, 201);
    return res.body.link;
  }
  function putRules(id: number, rules: unknown, auth = account.auth) {
    return request(stack.url(`/api/v1/links/${id}/rules`), { method: 'PUT', headers: auth, json: { rules } });
  }
  async function destinationFor(code: string, headers: Record<string, string>, query = '', method = 'GET'): Promise<string> {
    const res = await fetch(stack.url(`/${code}${query}`), { method, redirect: 'manual', headers: { 'user-agent': DESKTOP, ...headers } });
    assert.equal(res.status, 302);
    return res.headers.get('location') ?? '';
  }

  it('sends each visitor to the first rule that matches, else the usual destination, and records the rule on each click', async () => {
    const link = await created();
    const put = await putRules(link.id, [
      { name: 'old campaign', conditions: { ends_at: '2020-01-01T00:00:00Z' }, destination_url: 'https://example.com/never' },
      { name: 'iPhone', conditions: { device: ['mobile'], os: ['ios'] }, destination_url: 'https://example.com/ios' },
      { conditions: { language: ['de'] }, destination_url: 'https://example.com/de' },
      { conditions: { query: { name: 'src', value: 'tw' } }, destination_url: 'https://example.com/tw' },
      { conditions: { country: ['gb'] }, destination_url: 'https://example.com/uk' },
    ]);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const ids = put.body.rules.map((r: { id: number }) => r.id);
    assert.deepEqual(put.body.rules.map((r: { position: number }) => r.position), [0, 1, 2, 3, 4]);
    assert.deepEqual(put.body.rules[4].conditions, { country: ['GB'] });
    assert.deepEqual((await request(stack.url(`/api/v1/links/${link.id}/rules`), { headers: account.auth })).body.rules, put.body.rules);

    // HEAD looks without clicking, so the clicks below are exactly the GETs.
    await waitFor(async () => (await destinationFor(link.short_code, { 'user-agent': IPHONE }, '', 'HEAD')).startsWith('https://example.com/ios'), { what: 'rules served', timeoutMs: 3000 });
    assert.equal(await destinationFor(link.short_code, { 'user-agent': IPHONE }), 'https://example.com/ios?utm_source=qr');
    // Both the iPhone and the German rule match: the earlier one wins. UTM parameters are merged as for the link.
    assert.equal(await destinationFor(link.short_code, { 'user-agent': IPHONE, 'accept-language': 'de-CH,de;q=0.9' }), 'https://example.com/ios?utm_source=qr');
    assert.equal(await destinationFor(link.short_code, { 'accept-language': 'fr;q=0.8, de-AT' }), 'https://example.com/de?utm_source=qr');
    assert.equal(await destinationFor(link.short_code, {}, '?src=tw'), 'https://example.com/tw?utm_source=qr');
    assert.equal(await destinationFor(link.short_code, { 'x-forwarded-for': GB_ADDRESS }), 'https://example.com/uk?utm_source=qr');
    assert.equal(await destinationFor(link.short_code, { 'accept-language': 'en-US' }, '?src=fb'), 'https://example.com/usual?utm_source=qr');

    await waitFor(async () => Number((await stack.services.db('clicks').count({ n: '*' }))[0]?.n) === 6, { what: 'clicks stored' });
    await drainQueues(stack.services);
    const shown = await request(stack.url(`/api/v1/links/${link.id}`), { headers: account.auth });
    assert.deepEqual(shown.body.link.analytics.rule_breakdown, [
      { rule_id: null, clicks: 1 },
      { rule_id: ids[1], clicks: 2 },
      { rule_id: ids[2], clicks: 1 },
      { rule_id: ids[3], clicks: 1 },
      { rule_id: ids[4], clicks: 1 },
    ].sort((a, b) => (a.rule_id ?? -1) - (b.rule_id ?? -1)));
  });

  it('goes back to the usual choice once the rules are replaced by an empty list', async () => {
    const link = await created();
    assert.equal((await putRules(link.id, [{ conditions: { device: ['desktop'] }, destination_url: 'https://example.com/desk' }])).status, 200);
    await waitFor(async () => (await destinationFor(link.short_code, {})).startsWith('https://example.com/desk'), { what: 'rule served', timeoutMs: 3000 });
    const cleared = await putRules(link.id, []);
    assert.deepEqual(cleared.body.rules, []);
    await waitFor(async () => (await destinationFor(link.short_code, {})).startsWith('https://example.com/usual'), { what: 'rule removed', timeoutMs: 3000 });
  });

  it('refuses bad rules with 422 and writes nothing, another user\'s link with 404, and the free plan with 403', async () => {
    const link = await created();
    assert.equal((await putRules(link.id, [{ conditions: { device: ['desktop'] }, destination_url: 'https://example.com/kept' }])).status, 200);
    const bad: Array<[unknown, RegExp]> = [
      [[{ conditions: {}, destination_url: 'https://example.com/' }], /at least one condition/],
      [[{ conditions: { device: ['phone'] }, destination_url: 'https://example.com/' }], /Device must list/],
      [[{ conditions: { country: ['GBR'] }, destination_url: 'https://example.com/' }], /two-letter/],
      [[{ conditions: { starts_at: '2030-01-01T00:00:00Z', ends_at: '2029-01-01T00:00:00Z' }, destination_url: 'https://example.com/' }], /Ends at must be after/],
      [[{ conditions: { device: ['mobile'] }, destination_url: 'javascript:alert(1)' }], /valid http or https URL/],
      [[{ conditions: { device: ['mobile'] }, destination_url: 'https://example.com/', extra: 1 }], /./],
      [Array.from({ length: 21 }, () => ({ conditions: { device: ['mobile'] }, destination_url: 'https://example.com/' })), /at most 20 rules/],
      ['nope', /Rules must be an array/],
    ];
    for (const [rules, message] of bad) {
      const res = await putRules(link.id, rules);
      assert.equal(res.status, 422, JSON.stringify(rules).slice(0, 80));
      assert.equal(res.body.success, false);
      assert.match(JSON.stringify(res.body), message);
    }
    const kept = await request(stack.url(`/api/v1/links/${link.id}/rules`), { headers: account.auth });
    assert.deepEqual(kept.body.rules.map((r: { destination_url: string }) => r.destination_url), ['https://example.com/kept']);

    const other = await createAccount(stack.services, { plan: 'pro' });
    assert.equal((await putRules(link.id, [], other.auth)).status, 404);
    const free = await createAccount(stack.services, { plan: 'free' });
    assert.equal((await request(stack.url(`/api/v1/links/${link.id}/rules`), { headers: free.auth })).status, 403);
  });
});
