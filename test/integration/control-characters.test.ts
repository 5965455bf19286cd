import assert from 'node:assert/strict';
import { request, type JsonResponse } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

/**
 * The shared text rule (api/schemas.ts): NUL, other C0 and C1 controls, DEL and lone surrogates
 * are refused in every string field, query parameter and path segment of both surfaces with the
 * surface's 4xx, before anything is written; multi-line fields keep tab, CR and LF.
 */

const NUL = '\u0000';
const BAD = [NUL, '\u0001', '\u001b', '\u007f', '\u0085', '\ud800'];

interface Case {
  what: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  /** Builds the body around the bad value; absent: the value goes in the path or query. */
  body?: (bad: string) => unknown;
  status: number;
  message: RegExp;
}

describe('Control characters in API input', () => {
  const { stack, account } = useStackWithAccount();

  const send = (method: string, path: string, json?: unknown) => request(stack.url(path), { method, headers: account.auth, json });

  async function created(res: Promise<JsonResponse>): Promise<JsonResponse> {
    const answer = await res;
    assert.ok(answer.status === 200 || answer.status === 201, JSON.stringify(answer.body));
    return answer;
  }

  function messageOf(res: JsonResponse): string {
    return res.body.error?.message ?? [res.body.error, ...(res.body.errors ?? [])].join('\n');
  }

  it('refuses them in every listed field, query parameter and path segment with the surface’s 4xx, and writes nothing', async () => {
    const link = (await created(send('POST', '/api/v1/links', { link: { destination_url: 'https://example.com/' } }))).body.link;
    const goal = (await created(send('POST', '/api/v1/conversion_goals', { conversion_goal: { name: 'Purchase' } }))).body.conversion_goal;
    await created(send('POST', '/api/v1/packages', { git_url: 'https://github.com/o/r.git', slug: 'pkg-1' }));
    await created(send('POST', '/api/v1/collections', { name: 'Kit', slug: 'kit' }));

    const pvtlnk422 = (field: string) => ({ status: 422, message: new RegExp(`^${field} can't contain control characters$`, 'm') });
    const pkglnk422 = (field: string) => ({ status: 422, message: new RegExp(`${field} can't contain control characters`) });
    const path404 = { status: 404, message: /Path segment can't contain control characters/ };
    const cases: Case[] = [
      { what: 'collection name', method: 'POST', path: '/api/v1/collections', body: (v) => ({ name: `a${v}` }), ...pkglnk422('Name') },
      { what: 'collection description', method: 'PATCH', path: '/api/v1/collections/kit', body: (v) => ({ description: v }), ...pkglnk422('Description') },
      { what: 'collection tag', method: 'POST', path: '/api/v1/collections', body: (v) => ({ name: 'n', tags: [`t${v}`] }), ...pkglnk422('Each tag') },
      { what: 'collection slug', method: 'POST', path: '/api/v1/collections', body: (v) => ({ name: 'n', slug: `s${v}` }), ...pkglnk422('Slug') },
      { what: 'package display name', method: 'PATCH', path: '/api/v1/packages/pkg-1', body: (v) => ({ display_name: `P${v}` }), ...pkglnk422('Display name') },
      { what: 'package description', method: 'PATCH', path: '/api/v1/packages/pkg-1', body: (v) => ({ description: v }), ...pkglnk422('Description') },
      { what: 'package git ref', method: 'PATCH', path: '/api/v1/packages/pkg-1', body: (v) => ({ git_ref: `v1${v}` }), ...pkglnk422('Git ref') },
      { what: 'variant name', method: 'POST', path: `/api/v1/links/${link.id}/variants`, body: (v) => ({ variant: { name: `B${v}`, destination_url: 'https://example.com/b' } }), ...pvtlnk422('Name') },
      { what: 'goal name', method: 'PATCH', path: `/api/v1/conversion_goals/${goal.id}`, body: (v) => ({ conversion_goal: { name: `G${v}` } }), ...pvtlnk422('Name') },
      { what: 'postback order id', method: 'POST', path: `/api/conversions/track/${goal.postback_token}`, body: (v) => ({ order_id: `o${v}` }), ...pvtlnk422('Order id') },
      { what: 'postback user agent', method: 'POST', path: `/api/conversions/track/${goal.postback_token}`, body: (v) => ({ ua: `Mozilla${v}` }), ...pvtlnk422('Ua') },
      { what: 'webhook url', method: 'PATCH', path: '/api/v1/settings', body: (v) => ({ webhook_url: `https://hooks.example.com/${v}` }), ...pvtlnk422('Webhook url') },
      { what: 'link title', method: 'PATCH', path: `/api/v1/links/${link.id}`, body: (v) => ({ link: { title: `T${v}` } }), ...pvtlnk422('Title') },
      { what: 'link description', method: 'PATCH', path: `/api/v1/links/${link.id}`, body: (v) => ({ link: { description: v } }), ...pvtlnk422('Description') },
      { what: 'link tag', method: 'PATCH', path: `/api/v1/links/${link.id}`, body: (v) => ({ link: { tags: [`t${v}`] } }), ...pvtlnk422('Tags') },
      { what: 'link short code', method: 'PATCH', path: `/api/v1/links/${link.id}`, body: (v) => ({ link: { short_code: `c${v}` } }), ...pvtlnk422('Short code') },
      { what: 'link password', method: 'PATCH', path: `/api/v1/links/${link.id}`, body: (v) => ({ password: `secret${v}` }), ...pvtlnk422('Password') },
      { what: 'query parameter', method: 'GET', path: '/api/v1/collections?page=1%s', status: 400, message: /Page can't contain control characters/ },
      // The links list has one sentence for every way a page number can miss.
      { what: 'link list query parameter', method: 'GET', path: '/api/v1/links?page=1%s', status: 400, message: /^Page must be a whole number from 1 to 1000000$/m },
      { what: 'query time', method: 'GET', path: '/api/v1/links/export?created_after=2026-01-01%s', status: 400, message: /^Created after can't contain control characters$/m },
      { what: 'pkglnk path segment', method: 'GET', path: '/api/v1/packages/%s/export', ...path404 },
      { what: 'collection path segment', method: 'GET', path: '/api/v1/collections/kit%s', ...path404 },
      { what: 'postback token path segment', method: 'POST', path: '/api/conversions/track/x%s', ...path404 },
      { what: 'link id path segment', method: 'GET', path: '/api/v1/links/1%s', ...path404 },
    ];

    for (const c of cases) {
      for (const bad of BAD) {
        const label = `${c.what} with U+${bad.charCodeAt(0).toString(16).padStart(4, '0')}`;
        // A lone surrogate cannot be percent-encoded as UTF-8; the path and query cases send the byte forms only.
        if (!c.body && bad === '\ud800') continue;
        const res = c.body
          ? await send(c.method, c.path, c.body(bad))
          : await send(c.method, c.path.replace('%s', encodeURIComponent(bad)));
        assert.equal(res.status, c.status, `${label}: ${JSON.stringify(res.body)}`);
        assert.match(messageOf(res), c.message, `${label}: ${JSON.stringify(res.body)}`);
        const pkglnk = c.path.startsWith('/api/v1/packages') || c.path.startsWith('/api/v1/collections');
        if (pkglnk) assert.equal(typeof res.body.error.code, 'string', label);
        else assert.equal(res.body.success, false, label);
      }
    }

    const after = await send('GET', `/api/v1/links/${link.id}`);
    assert.equal(after.body.link.title, null);
    assert.deepEqual(after.body.link.tags, []);
    assert.equal((await stack.services.db('collections').count({ n: '*' }))[0]?.n, 1);
    assert.equal((await stack.services.db('link_variants').count({ n: '*' }))[0]?.n, 0);
    assert.equal((await stack.services.db('conversions').count({ n: '*' }))[0]?.n, 0);
  });

  it('keeps tab, CR and LF in multi-line descriptions and refuses them in one-line fields', async () => {
    const text = 'line one\r\n\tline two\n';
    const collection = await send('POST', '/api/v1/collections', { name: 'Kit', description: text });
    assert.equal(collection.status, 201, JSON.stringify(collection.body));
    assert.equal(collection.body.description, text.trim());
    const link = await send('POST', '/api/v1/links', { link: { destination_url: 'https://example.com/', description: text } });
    assert.equal(link.status, 201, JSON.stringify(link.body));
    assert.equal(link.body.link.description, text.trim());
    const pkg = await send('POST', '/api/v1/packages', { git_url: 'https://github.com/o/r.git', description: text });
    assert.equal(pkg.status, 201, JSON.stringify(pkg.body));
    assert.equal(pkg.body.description, text.trim());

    const title = await send('POST', '/api/v1/links', { link: { destination_url: 'https://example.com/', title: 'a\tb' } });
    assert.equal(title.status, 422);
    assert.deepEqual(title.body.errors, ["Title can't contain control characters"]);
  });

  it('accepts ordinary unicode, including characters outside the basic plane, in text fields', async () => {
    const name = 'Jeux vidéo 日本 🙂';
    const res = await send('POST', '/api/v1/collections', { name, tags: ['ünï', '🙂'] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.name, name);
    assert.deepEqual(res.body.tags, ['ünï', '🙂']);
  });
});
