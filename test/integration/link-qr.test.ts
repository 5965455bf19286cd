import assert from 'node:assert/strict';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { createAccount } from '../helpers/accounts';
import { waitFor } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('GET /api/v1/links/:id/qr', () => {
  const { stack, account } = useStackWithAccount({ workers: true });

  async function link(): Promise<{ id: number; short_url: string; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/' } } });
    return res.body.link;
  }

  it('draws a PNG that a QR reader decodes to the link\'s short URL with the scan marker, at the size asked for', async () => {
    const { id, short_url: shortUrl, short_code: code } = await link();
    const res = await fetch(stack.url(`/api/v1/links/${id}/qr?format=png&size=300&level=H&download=1`), { headers: account.auth });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename=${code}-qr.png`);
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    assert.equal(png.width, 300);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.equal(decoded?.data, `${shortUrl}?qr=1`);
  });

  it('counts a followed scan as trigger qr and a plain visit as link, in the link\'s analytics', async () => {
    const { id, short_url: shortUrl, short_code: code } = await link();
    const res = await fetch(stack.url(`/api/v1/links/${id}/qr?format=png&fg=1a237e&bg=fff8e1`), { headers: account.auth });
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    const scanned = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? '';
    assert.ok(scanned.startsWith(shortUrl), scanned);
    // The decoded URL is followed as a phone would, through the redirector.
    const { pathname, search } = new URL(scanned);
    const scan = await fetch(stack.url(pathname + search), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    assert.equal(scan.status, 302);
    assert.equal(scan.headers.get('location'), 'https://example.com/');
    assert.equal((await fetch(stack.url(`/${code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER } })).status, 302);
    await waitFor(async () => Number((await stack.services.db('clicks').count({ n: '*' }))[0]?.n) === 2, { what: 'both clicks stored' });
    const rows = await stack.services.db('clicks').orderBy('clicked_at').select('trigger');
    assert.deepEqual(rows.map((r) => r.trigger).sort(), ['link', 'qr']);
    const shown = await request(stack.url(`/api/v1/links/${id}`), { headers: account.auth });
    assert.deepEqual(shown.body.link.analytics.trigger_breakdown, { qr: 1, link: 1 });
    assert.equal(shown.body.link.analytics.total_clicks, 2);
  });

  it('draws an SVG by default, in the colours asked for', async () => {
    const { id } = await link();
    const res = await fetch(stack.url(`/api/v1/links/${id}/qr?fg=112233&bg=%23ffeeddff&margin=0`), { headers: account.auth });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    const svg = await res.text();
    assert.match(svg, /^<svg /);
    assert.match(svg, /#112233/);
    assert.match(svg, /#ffeedd/);
    assert.equal(res.headers.get('content-disposition'), null);
  });

  it('refuses bad options with 400, another user\'s link with 404, and no token with 401', async () => {
    const { id } = await link();
    for (const query of ['format=gif', 'size=10', 'size=99999', 'level=Z', 'fg=red', 'margin=-1', 'unknown=1']) {
      const res = await request(stack.url(`/api/v1/links/${id}/qr?${query}`), { headers: account.auth });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.success, false);
    }
    const other = await createAccount(stack.services);
    assert.equal((await request(stack.url(`/api/v1/links/${id}/qr`), { headers: other.auth })).status, 404);
    assert.equal((await request(stack.url(`/api/v1/links/${id}/qr`))).status, 401);
  });
});
