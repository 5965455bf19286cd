import assert from 'node:assert/strict';
import { pathOf, queryOf } from '../../../src/lib/url-path';

describe('request target path and query', () => {
  it('splits at the first question mark and keeps later ones in the query', () => {
    assert.equal(pathOf('/badge/pkg.svg?style=installs&x=?'), '/badge/pkg.svg');
    assert.equal(queryOf('/badge/pkg.svg?style=installs&x=?'), 'style=installs&x=?');
  });

  it('reads a target without a query as all path and an empty query', () => {
    assert.equal(pathOf('/abc123'), '/abc123');
    assert.equal(queryOf('/abc123'), '');
    assert.equal(queryOf('/abc123?'), '');
  });
});
