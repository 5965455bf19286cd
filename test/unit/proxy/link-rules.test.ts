import assert from 'node:assert/strict';
import { mergeUtm, type CachedLink } from '../../../src/proxy/link-cache';
import { judgeLink } from '../../../src/proxy/link-rules';

const now = Date.parse('2026-06-01T12:00:00Z');
const base: CachedLink = { id: 1, userId: 1, destination: 'https://example.com', active: true, archived: false, passwordHash: null, startsAt: null, endsAt: null, expires: false, expiresAt: null };

describe('judgeLink', () => {
  const cases: Array<[string, CachedLink | null, string]> = [
    ['an unknown code', null, 'not_found'],
    ['a live link', base, 'redirect'],
    ['an archived link', { ...base, archived: true }, 'not_found'],
    ['an inactive link', { ...base, active: false }, 'not_found'],
    ['a link before its start', { ...base, startsAt: now + 1000 }, 'not_found'],
    ['a link after its end', { ...base, endsAt: now - 1000 }, 'not_found'],
    ['a link inside its schedule', { ...base, startsAt: now - 1000, endsAt: now + 1000 }, 'redirect'],
    ['an expired link', { ...base, expires: true, expiresAt: now - 1 }, 'gone'],
    ['a link that expires later', { ...base, expires: true, expiresAt: now + 1000 }, 'redirect'],
    ['an expires_at without the expires flag', { ...base, expiresAt: now - 1000 }, 'redirect'],
    ['a password-protected link', { ...base, passwordHash: 'scrypt$…' }, 'password'],
    ['a link at the very instant it starts', { ...base, startsAt: now }, 'redirect'],
    ['a link at the very instant it ends', { ...base, endsAt: now }, 'redirect'],
    ['a link one millisecond after it ends', { ...base, endsAt: now - 1 }, 'not_found'],
    ['a link at the very instant it expires', { ...base, expires: true, expiresAt: now }, 'gone'],
    ['a link with expires on and no date (switched off by hand)', { ...base, expires: true, expiresAt: null }, 'gone'],
    ['an archived link that has also expired', { ...base, archived: true, expires: true, expiresAt: now - 1 }, 'not_found'],
    ['an expired password-protected link', { ...base, passwordHash: 'scrypt$…', expires: true, expiresAt: now - 1 }, 'gone'],
    ['an inactive password-protected link', { ...base, passwordHash: 'scrypt$…', active: false }, 'not_found'],
    ['a password-protected link before its start', { ...base, passwordHash: 'scrypt$…', startsAt: now + 1 }, 'not_found'],
  ];
  for (const [name, link, kind] of cases) {
    it(`judges ${name} as ${kind}`, () => assert.equal(judgeLink(link, now).kind, kind));
  }
});

describe('mergeUtm', () => {
  it('appends UTM parameters and keeps ones the destination already sets', () => {
    const merged = new URL(mergeUtm('https://example.com/p?utm_source=owner&x=1', { utm_source: 'newsletter', utm_medium: 'email' }));
    assert.equal(merged.searchParams.get('utm_source'), 'owner');
    assert.equal(merged.searchParams.get('utm_medium'), 'email');
    assert.equal(merged.searchParams.get('x'), '1');
  });
});
