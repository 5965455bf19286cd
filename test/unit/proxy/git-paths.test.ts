import assert from 'node:assert/strict';
import { isGitPath, parseGitPath } from '../../../src/proxy/git-paths';

const ID = '0123456789abcdef';

describe('Git proxy paths', () => {
  it('claims /<slug>.git/… and /track/… for the git proxy, and nothing else', () => {
    for (const url of ['/pkg.git/info/refs?service=git-upload-pack', '/pkg.git', '/PKG.GIT/git-upload-pack', '/track/pkg.git/info/refs', '/track/anything', `/pkg.git?install=${ID}/info/refs?service=git-upload-pack`]) assert.ok(isGitPath(url), url);
    for (const url of ['/', '/abc123', '/api/v1/packages', '/.git', '/x/pkg.git/info/refs', '/track', '/badge/pkg.svg']) assert.ok(!isGitPath(url), url);
  });

  it('reads slug, URL shape and git request from both shapes', () => {
    assert.deepEqual(parseGitPath('/My-Pkg.git/info/refs?service=git-upload-pack'), { slug: 'my-pkg', legacy: false, action: 'info-refs', rest: '/info/refs', service: 'git-upload-pack', installId: null });
    assert.deepEqual(parseGitPath('/track/pkg.git/git-upload-pack'), { slug: 'pkg', legacy: true, action: 'upload-pack', rest: '/git-upload-pack', service: null, installId: null });
    assert.equal(parseGitPath('/pkg.git/info/lfs/objects/batch')?.action, 'lfs-batch');
    assert.equal(parseGitPath('/pkg.git/git-receive-pack')?.action, 'receive-pack');
    assert.equal(parseGitPath('/pkg.git/objects/info/packs')?.action, undefined);
    assert.equal(parseGitPath('/track/pkg'), undefined);
  });

  it('finds the service parameter among others', () => {
    assert.equal(parseGitPath('/p.git/info/refs?x=1&service=git-upload-pack')?.service, 'git-upload-pack');
    assert.equal(parseGitPath('/p.git/info/refs')?.service, null);
  });

  it('reads an install id from a query before the smart-HTTP path, in every form git writes it', () => {
    const forms: Array<[string, string]> = [
      [`/pkg.git?install=${ID}/info/refs?service=git-upload-pack`, 'info-refs'],
      [`/pkg.git?install=${ID}/info/refs&service=git-upload-pack`, 'info-refs'],
      [`/pkg.git?path=Packages%2Fcom.example.package&install=${ID}/info/refs?service=git-upload-pack`, 'info-refs'],
      [`/pkg.git?path=Packages/com.example.package&install=${ID}/info/refs&service=git-upload-pack`, 'info-refs'],
      [`/pkg.git%3Finstall%3D${ID}/info/refs?service=git-upload-pack`, 'info-refs'],
      [`/pkg.git%3Fpath%3DPackages%252Fx%26install%3D${ID}/git-upload-pack`, 'upload-pack'],
      [`/pkg.git?install=${ID}/git-upload-pack`, 'upload-pack'],
      [`/track/pkg.git?install=${ID}/git-upload-pack`, 'upload-pack'],
      [`/pkg.git?install=${ID}/info/lfs/objects/batch`, 'lfs-batch'],
      [`/pkg.git/info/refs?service=git-upload-pack&install=${ID.toUpperCase()}`, 'info-refs'],
    ];
    for (const [url, action] of forms) {
      const parsed = parseGitPath(url);
      assert.equal(parsed?.slug, 'pkg', url);
      assert.equal(parsed?.action, action, url);
      assert.equal(parsed?.installId, ID, url);
      assert.equal(parsed?.rest, action === 'info-refs' ? '/info/refs' : action === 'upload-pack' ? '/git-upload-pack' : '/info/lfs/objects/batch', url);
      if (action === 'info-refs') assert.equal(parsed?.service, 'git-upload-pack', url);
    }
  });

  it('ignores an install id that is not 16 hex digits, and keeps serving the request', () => {
    for (const id of ['xyz', '0123456789abcde', '0123456789abcdef0', '']) {
      const parsed = parseGitPath(`/pkg.git?install=${id}/info/refs?service=git-upload-pack`);
      assert.equal(parsed?.action, 'info-refs', id);
      assert.equal(parsed?.installId, null, id);
    }
  });

  it('finds no action in a query that is not followed by a smart-HTTP path', () => {
    assert.equal(parseGitPath(`/pkg.git?install=${ID}`)?.action, undefined);
    assert.equal(parseGitPath(`/pkg.git?install=${ID}/objects/info/packs`)?.action, undefined);
  });
});
