import assert from 'node:assert/strict';
import { domainCacheKey, hostnameProblem, hostOf, linkCacheKey } from '../../../src/lib/hostnames';

describe('hostnames', () => {
  it('accepts DNS names of two or more labels and refuses anything else with a sentence', () => {
    for (const ok of ['go.example.com', 'a.b', 'x-1.example.co.uk', 'xn--bcher-kva.example']) assert.equal(hostnameProblem(ok), null, ok);
    for (const bad of ['', 'localhost', '-a.example.com', 'a-.example.com', 'a..com', 'a_b.com', '10.0.0.1', `${'a'.repeat(64)}.com`, `${'a.'.repeat(127)}com`]) {
      assert.match(hostnameProblem(bad) ?? '', /^Hostname /, bad);
    }
  });

  it("reads the Host header's name: lower case, without port or trailing dot", () => {
    assert.equal(hostOf('Go.Example.COM:8080'), 'go.example.com');
    assert.equal(hostOf('go.example.com.'), 'go.example.com');
    assert.equal(hostOf('[::1]:3000'), '[::1]');
    assert.equal(hostOf(undefined), '');
  });

  it('keys a default-domain link by its code and a custom domain link by domain and code', () => {
    assert.equal(linkCacheKey(null, 'promo'), 'promo');
    assert.equal(linkCacheKey(7, 'promo'), '7/promo');
    assert.equal(domainCacheKey('go.example.com'), '@go.example.com');
  });
});
