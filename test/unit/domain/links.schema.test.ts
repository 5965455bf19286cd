import assert from 'node:assert/strict';
import { createLinkBody, listLinksQuery, updateLinkBody } from '../../../src/domain/links.schema';

describe('link request schemas', () => {
  it('normalises free text, tags and UTM parameters on create', () => {
    const parsed = createLinkBody.parse({
      link: { destination_url: ' https://example.com ', title: '  ', description: ' d ', tags: [' a', 'a ', 'b'], utm_params: null, short_code: ' code ' },
    });
    assert.equal(parsed.link.destination_url, 'https://example.com/', 'trimmed and canonical');
    assert.equal(parsed.link.title, null, 'blank title reads as null');
    assert.equal(parsed.link.description, 'd');
    assert.deepEqual(parsed.link.tags, ['a', 'b']);
    assert.deepEqual(parsed.link.utm_params, {});
    assert.equal(parsed.link.short_code, 'code');
    assert.equal(parsed.password, undefined);
  });

  it('reads dates with any zone as instants', () => {
    const parsed = createLinkBody.parse({ link: { destination_url: 'https://example.com', expires_at: '2026-05-01T02:00:00+02:00' } });
    assert.equal(parsed.link.expires_at?.toISOString(), '2026-05-01T00:00:00.000Z');
  });

  it('keeps absent and null apart on update, and allows a password change alone', () => {
    const parsed = updateLinkBody.parse({ link: { title: null } });
    assert.deepEqual(Object.keys(parsed.link), ['title']);
    assert.equal(parsed.link.title, null);
    assert.deepEqual(updateLinkBody.parse({ password: null }), { link: {}, password: null });
    assert.equal(updateLinkBody.safeParse({}).success, false);
  });

  it('parses list filters from query strings', () => {
    assert.deepEqual(listLinksQuery.parse({ page: '2', per_page: '100', active: 'true', archived: '0', scheduled: '1', collection_id: '7' }), {
      page: 2, per_page: 100, active: true, archived: false, scheduled: true, collection_id: 7,
    });
    assert.equal(listLinksQuery.safeParse({ collection_id: '99999999999999999' }).success, false);
  });
});
