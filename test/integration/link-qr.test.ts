import assert from 'node:assert/strict';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { createAccount } from '../helpers/accounts';

describe('GET /api/v1/links/:id/qr', () => {
  const { stack, account } = useStackWithAccount();

  async function link(): Promise<{ id: number; short_url: string; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/' } } });
    return res.body.link;
  }

  it('draws a PNG that a QR reader decodes to the link\'s short URL, at the size asked for', async () => {
    const { id, short_url: shortUrl, short_code: code } = await link();
    const res = await fetch(stack.url(`/api/v1/links/${id}/qr?format=png&size=300&level=H&download=1`), { headers: account.auth });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename=${code}-qr.png`);
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    assert.equal(png.width, 300);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.equal(decoded?.data, shortUrl);
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
