import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { utcDay } from '../../src/lib/days';
import { seedPublicPackage } from '../helpers/public-packages';
import { useStack } from '../helpers/use-stack';

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('package cards and the package page', function () {
  this.timeout(30_000);
  const { stack } = useStack();

  it('draws a public package card with its name, description, topics and installs, escaped, with an ETag', async () => {
    await seedPublicPackage(stack.services, { slug: 'acme-tool', display_name: 'Acme <script>alert(1)</script>', description: 'Tools & "things"', topics: ['editor-tools', 'ui'], total_installs: 1234 });
    const card = await get(stack.url('/card/acme-tool.svg'));
    assert.equal(card.status, 200);
    assert.equal(card.headers.get('content-type'), 'image/svg+xml');
    const svg = card.body.toString();
    assert.ok(svg.includes('Acme &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!svg.includes('<script'));
    assert.ok(svg.includes('Tools &amp; &quot;things&quot;'));
    assert.ok(svg.includes('editor-tools') && svg.includes('>ui<'));
    assert.ok(svg.includes('1.2k installs'));
    assert.ok(svg.includes('★ 42'));
    const again = await get(stack.url('/card/acme-tool.svg'), { 'if-none-match': card.headers.get('etag') ?? '' });
    assert.equal(again.status, 304);
    assert.match(card.headers.get('cache-control') ?? '', /public, max-age=\d+/);
  });

  it('serves the card as a 640×200 PNG', async () => {
    await seedPublicPackage(stack.services, { slug: 'acme-png' });
    const card = await get(stack.url('/card/acme-png.png'));
    assert.equal(card.status, 200);
    assert.equal(card.headers.get('content-type'), 'image/png');
    assert.deepEqual([...card.body.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const png = PNG.sync.read(card.body);
    assert.equal(png.width, 640);
    assert.equal(png.height, 200);
  });

  it('gives a private and an unknown package the same neutral 404 card, telling nothing', async () => {
    await seedPublicPackage(stack.services, { slug: 'secret-tool', is_private: true, display_name: 'Secret Thing', description: 'Hidden stuff' });
    const priv = await get(stack.url('/card/secret-tool.svg'));
    const unknown = await get(stack.url('/card/no-such-package.svg'));
    const bad = await get(stack.url('/card/%E0%A4%A.svg'));
    assert.equal(priv.status, 404);
    assert.equal(unknown.status, 404);
    assert.equal(bad.status, 404);
    assert.deepEqual(priv.body, unknown.body);
    assert.ok(!priv.body.toString().includes('Secret'));
    const privPng = await get(stack.url('/card/secret-tool.png'));
    assert.equal(privPng.status, 404);
    assert.equal(privPng.headers.get('content-type'), 'image/png');
  });

  it('renders the package page: indexable head, install URL, facts, badge snippets, chart from daily installs, README', async () => {
    const id = await seedPublicPackage(stack.services, { slug: 'acme-page', description: 'Tools for acme things' });
    await stack.services.db('package_install_days').insert({ package_id: id, day: utcDay(new Date()), installs: 7, unique_ips: 3 });
    const page = await get(stack.url('/pkg/acme-page'));
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
    const text = page.body.toString();
    assert.ok(text.includes('<title>Acme Tool · Unity package</title>'));
    assert.ok(text.includes('<meta name="description" content="Tools for acme things">'));
    assert.ok(text.includes(`<link rel="canonical" href="${stack.baseUrl}/pkg/acme-page">`));
    assert.ok(text.includes(`<meta property="og:image" content="${stack.baseUrl}/card/acme-page.png">`));
    assert.ok(text.includes(`value="${stack.baseUrl}/acme-page.git?path=Packages/com.acme.tool#v1.0.0"`));
    assert.ok(text.includes('2022.3.10f1') && text.includes('com.acme.tool'));
    assert.ok(text.includes(`[![Acme Tool](${stack.baseUrl}/badge/acme-page.svg)](${stack.baseUrl}/pkg/acme-page)`));
    assert.ok(text.includes('7 installs in the last 30 days, at most 7 in a day'));
    assert.ok(text.includes('<h1>Acme Tool</h1>'));
    // Typed from a README or a talk, the slug's case does not matter, as for its git URL.
    const typed = await get(stack.url('/pkg/Acme-Page'));
    assert.equal(typed.status, 200);
    assert.ok(typed.body.toString().includes(`<link rel="canonical" href="${stack.baseUrl}/pkg/acme-page">`));
  });

  it('shows the README the worker rendered when there is one, rather than rendering it again', async () => {
    const id = await seedPublicPackage(stack.services, { slug: 'acme-rendered', readme: '# Markdown' });
    await stack.services.db('packages').where({ id }).update({ readme_html: '<p>Rendered by the worker</p>' });
    const text = (await get(stack.url('/pkg/acme-rendered'))).body.toString();
    assert.ok(text.includes('<div class="readme"><p>Rendered by the worker</p></div>'));
  });

  it('answers a private or unknown package page with the same 404 page, which names nothing', async () => {
    await seedPublicPackage(stack.services, { slug: 'secret-page', is_private: true, display_name: 'Secret Thing', readme: 'secret readme' });
    const priv = await get(stack.url('/pkg/secret-page'));
    const unknown = await get(stack.url('/pkg/nothing-here'));
    const nested = await get(stack.url('/pkg/a/b'));
    for (const res of [priv, unknown, nested]) {
      assert.equal(res.status, 404);
      assert.ok(res.body.toString().includes('noindex'));
    }
    assert.deepEqual(priv.body, unknown.body);
    assert.ok(!priv.body.toString().includes('Secret') && !priv.body.toString().includes('secret readme'));
  });
});
