import assert from 'node:assert/strict';
import { normaliseTopics, readManifest } from '../../../src/lib/package-manifest';

describe('reading a package.json', () => {
  it('reads the Unity fields, joining unity and unityRelease', () => {
    const read = readManifest(JSON.stringify({ name: 'com.a.b', displayName: 'A B', version: '1.2.3-preview.1', unity: '2021.3', unityRelease: '0f1', description: 'Does things' }));
    assert.deepEqual(read, { ok: true, value: { package_json_name: 'com.a.b', display_name: 'A B', description: 'Does things', version: '1.2.3-preview.1', unity_version: '2021.3.0f1', topics: [] } });
  });

  it('leaves out what is not what it claims: a unity that is no Unity version, a release that is not one, non-string names', () => {
    const read = readManifest(JSON.stringify({ name: 5, unity: 'latest', version: ['1'] }));
    assert.ok(read.ok);
    assert.equal(read.value.unity_version, null);
    assert.equal(read.value.package_json_name, null);
    assert.equal(read.value.version, null);
    const noRelease = readManifest(JSON.stringify({ unity: '2022.3', unityRelease: '"><b>' }));
    assert.ok(noRelease.ok);
    assert.equal(noRelease.value.unity_version, '2022.3');
  });

  it('removes control characters and lone surrogates, and bounds lengths', () => {
    const read = readManifest(`{"description": "a\\u0000b\\u001b[31m \\ud800 c", "displayName": "${'é'.repeat(300)}"}`);
    assert.ok(read.ok);
    assert.equal(read.value.description, 'a b [31m c');
    assert.equal([...(read.value.display_name ?? '')].length, 100);
  });

  it('refuses text that is not a JSON object', () => {
    assert.deepEqual(readManifest('[1,2]'), { ok: false, error: 'package.json is not a JSON object' });
    assert.deepEqual(readManifest('nul'), { ok: false, error: 'package.json is not valid JSON' });
    assert.deepEqual(readManifest('['.repeat(100_000)), { ok: false, error: 'package.json is not valid JSON' });
  });

  it('turns keywords into at most 20 distinct lower-case topics of words and dashes', () => {
    assert.deepEqual(normaliseTopics(['Editor Tools', 'editor_tools', '--', 'C#', 'ＵＩ', 'x'.repeat(80)]), ['editor-tools', 'c', 'ui', 'x'.repeat(40)]);
    assert.equal(normaliseTopics(Array.from({ length: 50 }, (_, i) => `t${i}`)).length, 20);
    assert.deepEqual(normaliseTopics('editor'), []);
  });
});
