import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
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
    // The parameter is named once, also when it is repeated (an array to the schema).
    for (const [query, message] of [['fg=red', 'Fg must be a hex colour, RRGGBB or RRGGBBAA'], ['bg=ff0000&bg=00ff00', 'Bg must be a string']]) {
      const res = await request(stack.url(`/api/v1/links/${id}/qr?${query}`), { headers: account.auth });
      assert.deepEqual(res.body.errors, [message], query);
    }
    const other = await createAccount(stack.services);
    assert.equal((await request(stack.url(`/api/v1/links/${id}/qr`), { headers: other.auth })).status, 404);
    assert.equal((await request(stack.url(`/api/v1/links/${id}/qr`))).status, 401);
  });
});

describe('QR codes with a centre logo', () => {
  const { stack, account } = useStackWithAccount({ workers: true });
  const JPEG = readFileSync(join(__dirname, '..', 'fixtures', 'logo-16x16.jpg'));
  const LOGO_RED = [220, 20, 60] as const;

  /** A PNG logo: a red square inside a thin blue frame, so the code's centre shows whose pixels it has. */
  function pngLogo(width = 96, height = 96): Buffer {
    const png = new PNG({ width, height });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const edge = x < 4 || y < 4 || x >= width - 4 || y >= height - 4;
        const i = (y * width + x) * 4;
        png.data[i] = edge ? 30 : LOGO_RED[0];
        png.data[i + 1] = edge ? 60 : LOGO_RED[1];
        png.data[i + 2] = edge ? 200 : LOGO_RED[2];
        png.data[i + 3] = 255;
      }
    }
    return PNG.sync.write(png);
  }
  const dataUrl = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString('base64')}`;
  function upload(image: unknown, auth = account.auth) {
    return request(stack.url('/api/v1/settings/qr_logo'), { method: 'PUT', headers: auth, json: { image } });
  }
  async function link(): Promise<{ id: number; short_url: string }> {
    return (await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/logo' } } })).body.link;
  }
  async function scan(id: number, query: string): Promise<{ text: string; centre: number[] }> {
    const res = await fetch(stack.url(`/api/v1/links/${id}/qr?format=png&logo=true&${query}`), { headers: account.auth });
    assert.equal(res.status, 200);
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    const middle = (Math.floor(png.height / 2) * png.width + Math.floor(png.width / 2)) * 4;
    return { text: jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? '', centre: [...png.data.subarray(middle, middle + 3)] };
  }

  it('stores a PNG logo, draws it over the centre of the PNG and the SVG, and the code still decodes and is followed', async () => {
    const res = await upload(dataUrl('image/png', pngLogo()));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual({ ...res.body.qr_logo, updated_at: undefined }, { content_type: 'image/png', width: 96, height: 96, bytes: pngLogo().length, updated_at: undefined });
    assert.equal((await request(stack.url('/api/v1/settings/qr_logo'), { headers: account.auth })).body.qr_logo.width, 96);

    const { id, short_url: shortUrl } = await link();
    for (const query of ['size=400', 'size=300&level=L&fg=1a237e&bg=fff8e1', 'size=512&margin=0']) {
      const { text, centre } = await scan(id, query);
      assert.equal(text, `${shortUrl}?qr=1`, query);
      // The logo's own red, not a module's black or the background.
      for (const [i, channel] of centre.entries()) assert.ok(Math.abs(channel - (LOGO_RED[i] as number)) < 8, `${query}: centre ${centre}`);
    }
    const { pathname, search } = new URL((await scan(id, 'size=400')).text);
    const followed = await fetch(stack.url(pathname + search), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    assert.equal(followed.status, 302);
    assert.equal(followed.headers.get('location'), 'https://example.com/logo');

    const svg = await (await fetch(stack.url(`/api/v1/links/${id}/qr?logo=true`), { headers: account.auth })).text();
    assert.match(svg, /^<svg /);
    assert.match(svg, /<image [^>]*href="data:image\/png;base64,[A-Za-z0-9+/=]+"\/><\/svg>$/);
  });

  it('takes a JPEG logo too', async () => {
    const res = await upload(dataUrl('image/jpeg', JPEG));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.qr_logo.content_type, 'image/jpeg');
    assert.deepEqual([res.body.qr_logo.width, res.body.qr_logo.height], [16, 16]);
    const { id, short_url: shortUrl } = await link();
    assert.equal((await scan(id, 'size=400')).text, `${shortUrl}?qr=1`);
    assert.match(await (await fetch(stack.url(`/api/v1/links/${id}/qr?logo=true`), { headers: account.auth })).text(), /href="data:image\/jpeg;base64,/);
  });

  it('refuses wrong types, corrupt files and sizes out of bounds with 4xx in the link envelope, keeping the logo it had', async () => {
    assert.equal((await upload(dataUrl('image/png', pngLogo(32, 32)))).status, 200);
    const good = pngLogo();
    // A chunk's byte changed: its checksum no longer matches.
    const flipped = Buffer.from(good);
    flipped[good.length - 20] = (flipped[good.length - 20] as number) ^ 0xff;
    // A header that announces more rows than the data holds (checksum recomputed, so only the inflate check can tell).
    const taller = Buffer.from(good);
    taller.writeUInt32BE(200, 20);
    taller.writeUInt32BE(crc32(taller.subarray(12, 29)), 29);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const bad: Array<[unknown, number, RegExp]> = [
      [dataUrl('image/svg+xml', Buffer.from(svg)), 422, /SVG is not accepted/],
      [dataUrl('image/gif', Buffer.from('GIF89a')), 422, /PNG or JPEG/],
      ['https://example.com/logo.png', 422, /data URL/],
      [42, 422, /data URL/],
      [dataUrl('image/png', JPEG), 422, /is a JPEG, not the image\/png/],
      [dataUrl('image/png', Buffer.from('not an image at all')), 422, /neither a PNG nor a JPEG/],
      [dataUrl('image/png', flipped), 422, /checksum/],
      [dataUrl('image/png', good.subarray(0, good.length - 30)), 422, /truncated PNG/],
      [dataUrl('image/png', taller), 422, /header announces/],
      [dataUrl('image/jpeg', JPEG.subarray(0, JPEG.length - 2)), 422, /truncated JPEG/],
      [dataUrl('image/png', pngLogo(8, 8)), 422, /16 to 1024 pixels.*8×8/],
      [dataUrl('image/png', pngLogo(2000, 16)), 422, /2000×16/],
      [dataUrl('image/png', Buffer.concat([good, Buffer.alloc(101 * 1024)])), 422, /too large \(maximum is 100 KB\)/],
      [dataUrl('image/png', Buffer.alloc(200 * 1024)), 413, /too large/],
    ];
    for (const [image, status, message] of bad) {
      const res = await upload(image);
      assert.equal(res.status, status, `${String(image).slice(0, 40)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.success, false);
      assert.match(JSON.stringify(res.body), message);
    }
    assert.equal((await request(stack.url('/api/v1/settings/qr_logo'), { method: 'PUT', headers: account.auth, json: { image: dataUrl('image/png', good), extra: 1 } })).status, 422);
    assert.equal((await request(stack.url('/api/v1/settings/qr_logo'), { headers: account.auth })).body.qr_logo.width, 32, 'the logo it had is kept');
  });

  it('answers 409 for logo=true without a logo, 400 for a bad logo flag, and keeps the logo to its account', async () => {
    const other = await createAccount(stack.services);
    const { id } = (await request(stack.url('/api/v1/links'), { method: 'POST', headers: other.auth, json: { link: { destination_url: 'https://example.com/' } } })).body.link;
    const missing = await request(stack.url(`/api/v1/links/${id}/qr?logo=true`), { headers: other.auth });
    assert.equal(missing.status, 409);
    assert.equal(missing.body.success, false);
    assert.equal((await request(stack.url(`/api/v1/links/${id}/qr?logo=maybe`), { headers: other.auth })).status, 400);
    const none = await request(stack.url('/api/v1/settings/qr_logo'), { headers: other.auth });
    assert.equal(none.status, 200, 'no logo yet is an ordinary state (the dashboard asks on every link page)');
    assert.equal(none.body.qr_logo, null);
    assert.equal((await request(stack.url('/api/v1/settings/qr_logo'), { method: 'PUT', json: { image: 'x' } })).status, 401);

    assert.equal((await upload(dataUrl('image/png', pngLogo()), other.auth)).status, 200);
    assert.equal((await request(stack.url('/api/v1/settings/qr_logo'), { method: 'DELETE', headers: other.auth })).status, 200);
    assert.equal((await request(stack.url('/api/v1/settings/qr_logo'), { method: 'DELETE', headers: other.auth })).status, 404);
    assert.equal((await request(stack.url(`/api/v1/links/${id}/qr?logo=true`), { headers: other.auth })).status, 409);
  });
});
