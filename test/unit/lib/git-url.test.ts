import assert from 'node:assert/strict';
import { installUrl, parseGitUrl, resolveLocation } from '../../../src/lib/git-url';
import { slugError, slugFromRepo } from '../../../src/domain/packages';

describe('Git URLs of packages', () => {
  const location = (input: string) => {
    const parsed = parseGitUrl(input);
    assert.ok(parsed.ok, `${input}: ${parsed.ok ? '' : parsed.errors.join('; ')}`);
    return parsed.value;
  };

  it('reads platform, owner and repository from an https URL, with or without .git', () => {
    assert.deepEqual(location('https://github.com/owner/repo.git'), { git_platform: 'github', git_owner: 'owner', git_repo: 'repo', git_path: null, git_ref: null });
    assert.deepEqual(location('https://gitlab.com/owner/repo'), { git_platform: 'gitlab', git_owner: 'owner', git_repo: 'repo', git_path: null, git_ref: null });
    assert.equal(location('https://www.bitbucket.org/team/Repo.Name.git/').git_repo, 'Repo.Name');
  });

  it('reads ?path= as git_path and #ref as git_ref, alone or together', () => {
    assert.equal(location('https://github.com/o/r.git?path=Packages/com.example.package').git_path, 'Packages/com.example.package');
    assert.equal(location('https://github.com/o/r.git#v1.0.0').git_ref, 'v1.0.0');
    const both = location('https://github.com/o/r.git?path=/Packages/MyPackage/#feature/x');
    assert.equal(both.git_path, 'Packages/MyPackage');
    assert.equal(both.git_ref, 'feature/x');
  });

  it('accepts ssh, git+https and scp-like addresses, and nested GitLab groups', () => {
    assert.equal(location('git@github.com:owner/repo.git').git_owner, 'owner');
    assert.equal(location('ssh://git@gitlab.com/group/sub/repo.git').git_owner, 'group/sub');
    assert.equal(location('git+https://github.com/o/r.git#main').git_ref, 'main');
  });

  it('refuses other hosts, nested GitHub owners, credentials, unknown query parameters and unsafe paths or refs', () => {
    const refused: Array<[string, RegExp]> = [
      ['https://example.com/o/r.git', /github.com, gitlab.com or bitbucket.org/],
      ['https://github.com:8443/o/r.git', /github.com/],
      ['ftp://github.com/o/r.git', /repository URL/],
      ['not a url', /repository URL/],
      ['https://github.com/o/sub/r.git', /single github/],
      ['https://github.com/repo.git', /owner and a repository/],
      ['https://user:secret@github.com/o/r.git', /credentials/],
      ['https://github.com/o/r.git?ref=main', /only \?path=/],
      ['https://github.com/o/r.git?path=../etc', /relative folder/],
      ['https://github.com/o/r.git#..', /branch, tag or commit/],
      ['https://github.com/o/r.git#-x', /branch, tag or commit/],
      ['https://github.com/o/%2e%2e.git', /Git repo|Git owner/],
    ];
    for (const [input, message] of refused) {
      const parsed = parseGitUrl(input);
      assert.equal(parsed.ok, false, input);
      if (!parsed.ok) assert.match(parsed.errors.join('; '), message, input);
    }
  });

  it('builds a location from fields, and lays an update over the current one', () => {
    const fields = resolveLocation({ git_platform: 'gitlab', git_owner: 'g/s', git_repo: 'r.git', git_path: 'Packages/x', git_ref: '' });
    assert.deepEqual(fields, { ok: true, value: { git_platform: 'gitlab', git_owner: 'g/s', git_repo: 'r', git_path: 'Packages/x', git_ref: null } });
    const current = { git_platform: 'github' as const, git_owner: 'o', git_repo: 'r', git_path: 'P', git_ref: 'v1' };
    assert.deepEqual(resolveLocation({ git_ref: 'v2', git_path: null }, current), { ok: true, value: { ...current, git_ref: 'v2', git_path: null } });
  });

  it('refuses a URL together with platform fields, or a path that disagrees with the URL', () => {
    assert.equal(resolveLocation({ git_url: 'https://github.com/o/r.git', git_owner: 'x' }).ok, false);
    assert.equal(resolveLocation({ git_url: 'https://github.com/o/r.git?path=A', git_path: 'B' }).ok, false);
    assert.equal(resolveLocation({ git_url: 'https://github.com/o/r.git', git_path: 'B' }).ok, true);
    const missing = resolveLocation({ git_platform: 'github' });
    assert.ok(!missing.ok && /owner can't be blank/.test(missing.errors.join()) && /repo can't be blank/.test(missing.errors.join()));
  });

  it('builds the install URL users paste into Unity', () => {
    assert.equal(installUrl('https://pkg.example', 'my-pkg', { git_path: null, git_ref: null }), 'https://pkg.example/my-pkg.git');
    assert.equal(installUrl('https://pkg.example', 'my-pkg', { git_path: 'Packages/x', git_ref: 'v1.0.0' }), 'https://pkg.example/my-pkg.git?path=Packages/x#v1.0.0');
  });

  it('keeps slugs URL-safe and away from the paths the app serves', () => {
    assert.equal(slugError('my-package_2'), undefined);
    assert.match(slugError('My.Package') ?? '', /lower-case/);
    assert.match(slugError('track') ?? '', /reserved/);
    assert.match(slugError('api') ?? '', /reserved/);
    assert.equal(slugFromRepo('My.Cool Repo'), 'my-cool-repo');
  });
});
