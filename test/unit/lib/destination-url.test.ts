import assert from 'node:assert/strict';
import { destinationUrl } from '../../../src/lib/destination-url';

const parse = (value: unknown) => destinationUrl().safeParse(value);
const messages = (value: unknown) => {
  const result = parse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

describe('destinationUrl (the one destination schema)', () => {
  it('answers the canonical WHATWG href, which is printable ASCII', () => {
    for (const [typed, canonical] of [
      ['https://例え.jp/', 'https://xn--r8jz45g.jp/'],
      ['https://example.com/日本/ページ', 'https://example.com/%E6%97%A5%E6%9C%AC/%E3%83%9A%E3%83%BC%E3%82%B8'],
      ['https://example.com/ü€?q=ñ', 'https://example.com/%C3%BC%E2%82%AC?q=%C3%B1'],
      ['https://example.com/a#🙂', 'https://example.com/a#%F0%9F%99%82'],
      ['  HTTPS://Example.COM:443  ', 'https://example.com/'],
      ['http://example.com/a b', 'http://example.com/a%20b'],
    ]) {
      const result = parse(typed);
      assert.ok(result.success, typed);
      assert.equal(result.data, canonical);
      assert.match(result.data, /^[\x21-\x7e]+$/);
    }
  });

  it('refuses every control character (C0, DEL, C1) once, before any other reason', () => {
    for (let code = 0; code <= 0x9f; code++) {
      if (code > 0x1f && code < 0x7f) continue;
      assert.deepEqual(messages(`https://example.com/${String.fromCharCode(code)}`), ["Destination url can't contain control characters (such as NUL, tab or line breaks)"], `U+${code.toString(16)}`);
    }
  });

  it('refuses blank, non-http(s) and overlong values, counting the length of what is stored', () => {
    assert.deepEqual(messages(''), ["Destination url can't be blank"]);
    assert.deepEqual(messages(null), ["Destination url can't be blank"]);
    assert.deepEqual(messages(42), ['Destination url must be a string']);
    assert.deepEqual(messages('javascript:alert(1)'), ['Destination url must be a valid http or https URL']);
    assert.deepEqual(messages('https://'), ['Destination url must be a valid http or https URL']);
    assert.deepEqual(messages(`https://example.com/${'é'.repeat(400)}`), ['Destination url is too long (maximum is 2048 characters)'], '420 typed, 2420 stored');
  });
});
