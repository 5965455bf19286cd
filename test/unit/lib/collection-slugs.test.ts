import assert from 'node:assert/strict';
import { SLUG_MAX_LENGTH, slugFromName, slugProblem, withRandomSuffix } from '../../../src/lib/collection-slugs';

describe('collection slugs', () => {
  it('derives a lowercase hyphenated slug from a name, dropping accents and punctuation', () => {
    assert.equal(slugFromName('My Favourite Packages'), 'my-favourite-packages');
    assert.equal(slugFromName('  Café Tools: 2.0!! '), 'cafe-tools-2-0');
    assert.equal(slugFromName('UI/UX -- Kits'), 'ui-ux-kits');
  });

  it('falls back to "collection" for a name with no letters or digits it can keep', () => {
    assert.equal(slugFromName('日本語'), 'collection');
    assert.equal(slugFromName('!!!'), 'collection');
  });

  it('never derives an all-digit or reserved slug', () => {
    assert.equal(slugFromName('2026'), 'collection-2026');
    assert.equal(slugFromName('New'), 'new-collection');
    assert.equal(slugFromName('API'), 'api-collection');
  });

  it('keeps a derived slug short enough to take a suffix and still be valid', () => {
    const slug = slugFromName('word '.repeat(40));
    assert.ok(slug.length <= SLUG_MAX_LENGTH - 7);
    assert.equal(slugProblem(slug), undefined);
    const suffixed = withRandomSuffix(slug);
    assert.match(suffixed, /-[a-z0-9]{6}$/);
    assert.equal(slugProblem(suffixed), undefined);
  });

  it('accepts lowercase letters, digits and single inner hyphens', () => {
    for (const slug of ['a', 'unity-tools', 'v2', '2d-kit', '123-456']) assert.equal(slugProblem(slug), undefined, slug);
  });

  it('refuses blank, too long, badly formed, all-digit and reserved slugs with a reason', () => {
    assert.match(slugProblem('') ?? '', /blank/);
    assert.match(slugProblem('a'.repeat(SLUG_MAX_LENGTH + 1)) ?? '', /too long/);
    for (const bad of ['Upper', 'with space', '-lead', 'trail-', 'double--hyphen', 'under_score', 'dot.ted', 'ünï']) {
      assert.match(slugProblem(bad) ?? '', /lowercase letters/, bad);
    }
    assert.match(slugProblem('42') ?? '', /digits/);
    for (const reserved of ['new', 'api', 'packages', 'badge']) assert.equal(slugProblem(reserved), 'Slug is reserved', reserved);
  });
});
