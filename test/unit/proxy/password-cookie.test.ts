import assert from 'node:assert/strict';
import { hasPasswordCookie, passwordCookieHeader, PASSWORD_COOKIE_TTL_SECONDS, signPasswordCookie } from '../../../src/proxy/password-cookie';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const now = Date.parse('2026-06-01T12:00:00Z');
const link = { code: 'abc', id: 7, passwordHash: 'scrypt$16384$8$1$salt$hash' };

describe('password cookie', () => {
  const value = signPasswordCookie(SECRET, link, now);
  const header = (v: string) => `other=1; lt_pw=${v}; more=2`;

  it('is accepted for the link it was issued for until it expires', () => {
    assert.equal(hasPasswordCookie(SECRET, link, header(value), now), true);
    assert.equal(hasPasswordCookie(SECRET, link, header(value), now + (PASSWORD_COOKIE_TTL_SECONDS - 1) * 1000), true);
    assert.equal(hasPasswordCookie(SECRET, link, header(value), now + PASSWORD_COOKIE_TTL_SECONDS * 1000), false);
  });

  it('is refused for another code, another link id, a changed password or another secret', () => {
    assert.equal(hasPasswordCookie(SECRET, { ...link, code: 'abd' }, header(value), now), false);
    assert.equal(hasPasswordCookie(SECRET, { ...link, id: 8 }, header(value), now), false);
    assert.equal(hasPasswordCookie(SECRET, { ...link, passwordHash: 'scrypt$other' }, header(value), now), false);
    assert.equal(hasPasswordCookie(`${SECRET}x`, link, header(value), now), false);
  });

  it('is refused when tampered with, extended or malformed', () => {
    const [expires, signature] = value.split('.') as [string, string];
    assert.equal(hasPasswordCookie(SECRET, link, header(`${Number(expires) + 3600}.${signature}`), now), false);
    assert.equal(hasPasswordCookie(SECRET, link, header(`${expires}.${signature.slice(0, -1)}A`), now), false);
    for (const junk of ['', '.', 'abc', `${expires}`, `${expires}.`, `-1.${signature}`]) {
      assert.equal(hasPasswordCookie(SECRET, link, header(junk), now), false, junk);
    }
    assert.equal(hasPasswordCookie(SECRET, link, undefined, now), false);
  });

  it('accepts the valid one among several cookies of the same name', () => {
    assert.equal(hasPasswordCookie(SECRET, link, `lt_pw=junk; lt_pw=${value}`, now), true);
  });

  it('is scoped to the short link URL under PUBLIC_BASE_URL, and Secure over https', () => {
    assert.equal(passwordCookieHeader('v', 'http://localhost:3000', 'abc'), `lt_pw=v; Path=/abc; Max-Age=${PASSWORD_COOKIE_TTL_SECONDS}; HttpOnly; SameSite=Lax`);
    assert.equal(passwordCookieHeader('v', 'https://sho.rt/go/', 'abc'), `lt_pw=v; Path=/go/abc; Max-Age=${PASSWORD_COOKIE_TTL_SECONDS}; HttpOnly; SameSite=Lax; Secure`);
  });
});
