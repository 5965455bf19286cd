import assert from 'node:assert/strict';
import { gitOs, gitVersion } from '../../../src/lib/git-agent';

describe('What git’s user agent tells', () => {
  it('reads the version git announces', () => {
    assert.equal(gitVersion('git/2.43.0'), '2.43.0');
    assert.equal(gitVersion('git/2.43.0.windows.1'), '2.43.0');
    assert.equal(gitVersion('git/2.39.3 (Apple Git-145)'), '2.39.3');
    assert.equal(gitVersion('git-lfs/3.4.0 (GitHub; linux amd64; go 1.21)'), null);
    assert.equal(gitVersion('Mozilla/5.0'), null);
  });

  it('tells the OS when the build or the LFS client names it, and says null otherwise', () => {
    assert.equal(gitOs('git/2.43.0.windows.1'), 'windows');
    assert.equal(gitOs('git/2.39.3 (Apple Git-145)'), 'macos');
    assert.equal(gitOs('git-lfs/3.4.0 (GitHub; darwin arm64; go 1.21)'), 'macos');
    assert.equal(gitOs('git-lfs/3.4.0 (GitHub; linux amd64; go 1.21)'), 'linux');
    assert.equal(gitOs('git/2.43.0'), null);
  });
});
