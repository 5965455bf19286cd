import assert from 'node:assert/strict';
import { isGitPath, parseGitPath, serviceOf } from '../../../src/proxy/git-paths';

describe('Git proxy paths', () => {
  it('claims /<slug>.git/… and /track/… for the git proxy, and nothing else', () => {
    for (const url of ['/pkg.git/info/refs?service=git-upload-pack', '/pkg.git', '/PKG.GIT/git-upload-pack', '/track/pkg.git/info/refs', '/track/anything']) assert.ok(isGitPath(url), url);
    for (const url of ['/', '/abc123', '/api/v1/packages', '/.git', '/x/pkg.git/info/refs', '/track', '/badge/pkg.svg']) assert.ok(!isGitPath(url), url);
  });

  it('reads slug, URL shape and git request from both shapes', () => {
    assert.deepEqual(parseGitPath('/My-Pkg.git/info/refs?service=git-upload-pack'), { slug: 'my-pkg', legacy: false, action: 'info-refs', rest: '/info/refs' });
    assert.deepEqual(parseGitPath('/track/pkg.git/git-upload-pack'), { slug: 'pkg', legacy: true, action: 'upload-pack', rest: '/git-upload-pack' });
    assert.equal(parseGitPath('/pkg.git/info/lfs/objects/batch')?.action, 'lfs-batch');
    assert.equal(parseGitPath('/pkg.git/git-receive-pack')?.action, 'receive-pack');
    assert.equal(parseGitPath('/pkg.git/objects/info/packs')?.action, undefined);
    assert.equal(parseGitPath('/track/pkg'), undefined);
  });

  it('finds the service parameter among others', () => {
    assert.equal(serviceOf('/p.git/info/refs?x=1&service=git-upload-pack'), 'git-upload-pack');
    assert.equal(serviceOf('/p.git/info/refs'), null);
  });
});
