import assert from 'node:assert/strict';
import { directoryCountKey, prefixQuery } from '../../../src/db/directory-store';

describe('prefixQuery: what a person typed → the directory\'s prefix tsquery', () => {
  it('makes each word a lower-cased prefix, all required', () => {
    assert.equal(prefixQuery('Serv  Loc'), "'serv':* & 'loc':*");
  });

  it('keeps dotted names and hyphenated words whole, as the search vector stores them', () => {
    assert.equal(prefixQuery('com.acme.tools service-loc'), "'com.acme.tools':* & 'service-loc':*");
  });

  it('lets no tsquery syntax through and is undefined when nothing searchable is left', () => {
    assert.equal(prefixQuery("it's & (x:*) | !y \\ z"), "'it':* & 's':* & 'x':* & 'y':* & 'z':*");
    assert.equal(prefixQuery(' .-&|!():* '), undefined);
    assert.equal(prefixQuery(''), undefined);
  });

  it('reads at most eight words', () => {
    assert.equal(prefixQuery('a b c d e f g h i j')?.split(' & ').length, 8);
  });
});

describe('directoryCountKey: which directory queries share a count', () => {
  it('is the same however the words are cased or spaced, and whatever the page or sort', () => {
    assert.equal(directoryCountKey({ search: ' Serv  LOC ' }), directoryCountKey({ search: 'serv loc' }));
  });

  it('tells apart the search, the topic, no search, and a search with nothing searchable', () => {
    const keys = [directoryCountKey({}), directoryCountKey({ search: 'serv' }), directoryCountKey({ topic: 'serv' }), directoryCountKey({ search: 'serv', topic: 'ui' }), directoryCountKey({ search: '!!' })];
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(directoryCountKey({ search: '  ' }), directoryCountKey({}), 'blank is no search');
  });
});
