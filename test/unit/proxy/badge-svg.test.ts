import assert from 'node:assert/strict';
import { formatCount, installsText, renderBadge, textWidth } from '../../../src/proxy/badge-svg';
import { badgeSlug } from '../../../src/proxy/badges';
import { findAll, parseXml, textOf } from '../../helpers/xml';

describe('Badge install counts', () => {
  const cases: Array<[number, string]> = [
    [0, '0'], [7, '7'], [999, '999'], [1000, '1k'], [1234, '1.2k'], [1999, '1.9k'], [12345, '12.3k'],
    [99_999, '99.9k'], [123_456, '123k'], [999_999, '999k'], [1_000_000, '1M'], [3_400_000, '3.4M'],
    [45_678_901, '45.6M'], [2_500_000_000, '2.5B'],
  ];
  for (const [count, text] of cases) {
    it(`shows ${count} as "${text}"`, () => assert.equal(formatCount(count), text));
  }

  it('never shows a negative or broken number', () => {
    assert.equal(formatCount(-5), '0');
    assert.equal(formatCount(Number.NaN), '0');
  });

  it('adds the word "installs" only where the label does not say it', () => {
    assert.equal(installsText('pkglnk', 1234), '1.2k installs');
    assert.equal(installsText('upm', 1234), '1.2k installs');
    assert.equal(installsText('upm-installs', 1234), '1.2k');
    assert.equal(installsText('installs', 1234), '1.2k');
  });

  it('says "1 install" and "2 installs"', () => {
    assert.equal(installsText('pkglnk', 0), '0 installs');
    assert.equal(installsText('pkglnk', 1), '1 install');
    assert.equal(installsText('upm', 1), '1 install');
    assert.equal(installsText('pkglnk', 2), '2 installs');
    assert.equal(installsText('installs', 1), '1');
  });
});

describe('Badge SVG', () => {
  it('is well-formed XML with a title and aria-label naming both halves', () => {
    const svg = parseXml(renderBadge({ label: 'UPM installs', value: '1.2k', color: '#007ec6' }));
    assert.equal(svg.name, 'svg');
    assert.equal(svg.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.equal(svg.attrs.role, 'img');
    assert.equal(svg.attrs['aria-label'], 'UPM installs: 1.2k');
    assert.equal(textOf(findAll(svg, 'title')[0]!), 'UPM installs: 1.2k');
    assert.deepEqual(findAll(svg, 'text').map(textOf), ['UPM installs', 'UPM installs', '1.2k', '1.2k']);
  });

  it('is as wide as its two boxes, each sized to its text', () => {
    const svg = parseXml(renderBadge({ label: 'pkglnk', value: '12.3k installs', color: '#007ec6' }));
    const [, labelBox, valueBox] = findAll(svg, 'rect');
    const width = Number(svg.attrs.width);
    assert.equal(width, Number(labelBox!.attrs.width) + Number(valueBox!.attrs.width));
    assert.equal(Number(valueBox!.attrs.x), Number(labelBox!.attrs.width));
    assert.equal(Number(labelBox!.attrs.width), Math.ceil(textWidth('pkglnk')) + 10);
    assert.ok(Number(valueBox!.attrs.width) > Number(labelBox!.attrs.width), 'the longer text gets the wider box');
  });

  it('escapes text, so nothing in it can become markup', () => {
    const raw = renderBadge({ label: '<script>&"\'', value: 'a</text><x>', color: '"><g' });
    const svg = parseXml(raw);
    assert.equal(findAll(svg, 'script').length, 0);
    assert.equal(findAll(svg, 'x').length, 0);
    assert.equal(textOf(findAll(svg, 'text')[0]!), '<script>&"\'');
  });

  it('measures wide letters wider than narrow ones', () => {
    assert.ok(textWidth('mmmm') > textWidth('iiii'));
    assert.ok(textWidth('日本') > 0);
  });
});

describe('The XML check used on badges', () => {
  it('rejects unbalanced tags, raw ampersands and two roots', () => {
    assert.throws(() => parseXml('<svg><g></svg>'));
    assert.throws(() => parseXml('<svg><text>a & b</text></svg>'));
    assert.throws(() => parseXml('<svg/><svg/>'));
    assert.throws(() => parseXml('<svg width=3/>'));
  });
});

describe('Badge paths', () => {
  it('reads the percent-decoded slug of /badge/{slug}.svg and nothing else', () => {
    assert.equal(badgeSlug('/badge/my-package.svg'), 'my-package');
    assert.equal(badgeSlug('/badge/com.example.pkg.svg'), 'com.example.pkg');
    assert.equal(badgeSlug('/badge/caf%C3%A9.svg'), 'café');
    for (const path of ['/badge/.svg', '/badge/a/b.svg', '/badge/a.png', '/badge/%00.svg', '/badge/%E0%A4%A.svg', '/badge/a%2Fb.svg', '/badges/a.svg']) {
      assert.equal(badgeSlug(path), undefined, path);
    }
  });
});
