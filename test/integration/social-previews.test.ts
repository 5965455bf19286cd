import assert from 'node:assert/strict';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { drainQueues, waitFor } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const CRAWLERS = {
  slack: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  discord: 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  imessage: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
  linkedin: 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  whatsapp: 'WhatsApp/2.23.20.0 A',
  telegram: 'TelegramBot (like TwitterBot)',
};

describe('Social previews', () => {
  const { stack, account } = useStackWithAccount({ workers: true });

  function created(link: Record<string, unknown>) {
    return request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/landing', ...link } } });
  }
  function visit(code: string, userAgent: string): Promise<Response> {
    return fetch(stack.url(`/${code}`), { redirect: 'manual', headers: { 'user-agent': userAgent } });
  }
  async function clickRows(): Promise<number> {
    return Number((await stack.services.db('clicks').count({ n: '*' }))[0]?.n);
  }

  it('shows known preview crawlers an escaped Open Graph page, sends people the 302, and counts only the people', async () => {
    const res = await created({ preview_title: 'Launch <script>"day"</script>', preview_description: 'All & more', preview_image_url: 'https://cdn.example.com/card.png' });
    assert.equal(res.status, 201);
    const { link } = res.body;
    assert.equal(link.preview_title, 'Launch <script>"day"</script>');
    assert.equal(link.preview_image_url, 'https://cdn.example.com/card.png');

    for (const [name, ua] of Object.entries(CRAWLERS)) {
      const page = await visit(link.short_code, ua);
      assert.equal(page.status, 200, name);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const html = await page.text();
      assert.ok(html.includes('<meta property="og:title" content="Launch &lt;script&gt;&quot;day&quot;&lt;/script&gt;">'), html);
      assert.ok(html.includes('<meta property="og:description" content="All &amp; more">'));
      assert.ok(html.includes('<meta property="og:image" content="https://cdn.example.com/card.png">'));
      assert.ok(html.includes('<meta name="twitter:card" content="summary_large_image">'));
      assert.ok(html.includes(`<meta property="og:url" content="${stack.url(`/${link.short_code}`)}">`));
      assert.ok(!html.includes('<script>'));
    }

    const person = await visit(link.short_code, BROWSER);
    assert.equal(person.status, 302);
    assert.equal(person.headers.get('location'), 'https://example.com/landing');
    await waitFor(async () => (await clickRows()) >= 1, { what: 'the person\'s click stored' });
    await drainQueues(stack.services);
    assert.equal(await clickRows(), 1, 'preview requests are not clicks');
  });

  it('redirects crawlers like anyone else for a link without preview fields', async () => {
    const { link } = await (await created({})).body;
    assert.equal(link.preview_title, null);
    const res = await visit(link.short_code, CRAWLERS.slack);
    assert.equal(res.status, 302);
  });

  it('takes preview fields on PATCH and clears them with null, and the redirector follows at once', async () => {
    const { link } = await (await created({})).body;
    const patch = (fields: Record<string, unknown>) => request(stack.url(`/api/v1/links/${link.id}`), { method: 'PATCH', headers: account.auth, json: { link: fields } });
    assert.equal((await patch({ preview_title: 'Hello' })).status, 200);
    await waitFor(async () => (await visit(link.short_code, CRAWLERS.discord)).status === 200, { what: 'preview page served', timeoutMs: 3000 });
    const html = await (await visit(link.short_code, CRAWLERS.discord)).text();
    assert.ok(html.includes('<meta name="twitter:card" content="summary">'));
    assert.equal((await patch({ preview_title: null })).status, 200);
    await waitFor(async () => (await visit(link.short_code, CRAWLERS.discord)).status === 302, { what: 'preview removed', timeoutMs: 3000 });
  });

  it('refuses a preview image that is not an http(s) URL and an over-long title with 422', async () => {
    const bad = await created({ preview_image_url: 'javascript:alert(1)' });
    assert.equal(bad.status, 422);
    assert.match(JSON.stringify(bad.body), /Preview image url must be a valid http or https URL/);
    const long = await created({ preview_title: 'x'.repeat(201) });
    assert.equal(long.status, 422);
    assert.match(JSON.stringify(long.body), /Preview title is too long/);
    assert.equal(Number((await stack.services.db('links').count({ n: '*' }))[0]?.n), 0);
  });
});
