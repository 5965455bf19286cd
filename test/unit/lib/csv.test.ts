import assert from 'node:assert/strict';
import { csvCell, csvLine } from '../../../src/lib/csv';

describe('csv', () => {
  it('quotes cells holding commas, quotes or line breaks, doubling inner quotes', () => {
    assert.equal(csvLine(['a,b', 'say "hi"', 'two\nlines', 'plain']), '"a,b","say ""hi""","two\nlines",plain\n');
  });

  it('neutralises cells starting with =, +, -, @, tab or carriage return', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) assert.equal(csvCell(`${start}1`).replace(/^"|"$/g, ''), `'${start}1`);
    assert.equal(csvCell('=A1,B1'), `"'=A1,B1"`);
    assert.equal(csvCell('a=1'), 'a=1');
  });

  it('writes numbers and booleans as they are, dates as ISO 8601 and nothing as empty', () => {
    assert.equal(csvLine([-5, true, new Date('2026-01-02T03:04:05Z'), null, undefined]), '-5,true,2026-01-02T03:04:05.000Z,,\n');
  });
});
