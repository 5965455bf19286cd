/**
 * Where a package lives: platform, owner, repository, optional subfolder (`?path=`) and ref
 * (`#ref`), read from the git URL a user pastes or from separate fields. Pure and strict,
 * because these values become path segments of the upstream URL the git proxy requests.
 */

export const GIT_PLATFORMS = ['github', 'gitlab', 'bitbucket'] as const;
export type GitPlatform = (typeof GIT_PLATFORMS)[number];

export interface GitLocation {
  git_platform: GitPlatform;
  git_owner: string;
  git_repo: string;
  git_path: string | null;
  git_ref: string | null;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const HOSTS: Record<string, GitPlatform> = {
  'github.com': 'github',
  'gitlab.com': 'gitlab',
  'bitbucket.org': 'bitbucket',
};

const NAME_SEGMENT = /^[A-Za-z0-9_.-]{1,100}$/;
const PATH_SEGMENT = /^[A-Za-z0-9_.@+-]{1,100}$/;
// git check-ref-format, reduced to a safe character set: no "..", "//", "@{", leading "-" or "/",
// trailing "/" or ".lock".
const REF = /^(?![-/])(?!.*\.\.)(?!.*\/\/)(?!.*@\{)(?!.*\/$)(?!.*\.lock$)[A-Za-z0-9._/@+-]{1,255}$/;

function isNameSegment(segment: string): boolean {
  return NAME_SEGMENT.test(segment) && segment !== '.' && segment !== '..';
}

export function ownerError(platform: GitPlatform, owner: string): string | undefined {
  const segments = owner.split('/');
  // GitLab groups nest (group/subgroup/repo); GitHub and Bitbucket owners are one segment.
  if (platform !== 'gitlab' && segments.length !== 1) return `Git owner must be a single ${platform} user or organisation name`;
  if (segments.length > 20 || !segments.every(isNameSegment)) return 'Git owner may contain only letters, digits, ".", "-" and "_"';
  return undefined;
}

export function repoError(repo: string): string | undefined {
  if (!isNameSegment(repo) || /\.git$/i.test(repo)) return 'Git repo must be a repository name (letters, digits, ".", "-", "_"), without ".git"';
  return undefined;
}

/** A relative folder inside the repository; '' and '/' mean none. */
export function normalisePath(path: string): Result<string | null> {
  const trimmed = path.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return { ok: true, value: null };
  const segments = trimmed.split('/');
  if (trimmed.length > 255 || !segments.every((s) => PATH_SEGMENT.test(s) && s !== '.' && s !== '..')) {
    return { ok: false, errors: ['Git path must be a relative folder such as Packages/com.example.package (letters, digits, ".", "-", "_", "@", "+"; no ".." segments)'] };
  }
  return { ok: true, value: segments.join('/') };
}

export function normaliseRef(ref: string): Result<string | null> {
  const trimmed = ref.trim();
  if (trimmed === '') return { ok: true, value: null };
  if (!REF.test(trimmed)) return { ok: false, errors: ['Git ref must be a branch, tag or commit name such as v1.0.0 or main'] };
  return { ok: true, value: trimmed };
}

/** scp-like `git@host:owner/repo.git` becomes `ssh://git@host/owner/repo.git` so one parser reads both. */
function asUrl(input: string): URL | undefined {
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/)(.*)$/.exec(input);
  const text = scp ? `ssh://git@${scp[1]}/${scp[2]}` : input;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * https://github.com/owner/repo.git?path=Packages/com.example.package#v1.0.0 (also without
 * .git, over ssh, git+https, or scp-like git@github.com:owner/repo.git).
 */
export function parseGitUrl(input: string): Result<GitLocation> {
  const fail = (message: string): Result<GitLocation> => ({ ok: false, errors: [message] });
  const url = asUrl(input.trim());
  if (!url || !['https:', 'http:', 'ssh:', 'git+https:', 'git+ssh:'].includes(url.protocol)) {
    return fail('Git url must be a repository URL such as https://github.com/owner/repo.git');
  }
  const platform = HOSTS[url.hostname.toLowerCase().replace(/^www\./, '')];
  if (!platform || url.port !== '') return fail('Git url must point at github.com, gitlab.com or bitbucket.org');
  if (url.password !== '' || (url.username !== '' && url.username !== 'git')) return fail('Git url must not contain credentials');

  const segments = url.pathname.replace(/\/+$/, '').split('/').slice(1);
  const last = segments.pop() ?? '';
  const repo = last.replace(/\.git$/i, '');
  const owner = segments.join('/');
  if (owner === '' || repo === '') return fail('Git url must name an owner and a repository, as in https://github.com/owner/repo.git');
  const problems = [ownerError(platform, owner), repoError(repo)].filter((p): p is string => p !== undefined);
  if (problems.length > 0) return { ok: false, errors: problems };

  const extra = [...url.searchParams.keys()].filter((k) => k !== 'path');
  if (extra.length > 0) return fail(`Git url may carry only ?path=, not ${extra.map((k) => `"${k}"`).join(', ')}`);
  const path = normalisePath(url.searchParams.get('path') ?? '');
  if (!path.ok) return path;
  let fragment: string;
  try {
    fragment = decodeURIComponent(url.hash.slice(1));
  } catch {
    return fail('Git ref in the url is not valid');
  }
  const ref = normaliseRef(fragment);
  if (!ref.ok) return ref;
  return { ok: true, value: { git_platform: platform, git_owner: owner, git_repo: repo, git_path: path.value, git_ref: ref.value } };
}

export interface LocationInput {
  git_url?: string;
  git_platform?: GitPlatform;
  git_owner?: string;
  git_repo?: string;
  git_path?: string | null;
  git_ref?: string | null;
}

/**
 * The location a create or update asks for. From git_url, or from fields laid over `current`
 * (an update) — not both. git_path and git_ref given beside git_url must agree with the URL's.
 */
export function resolveLocation(input: LocationInput, current?: GitLocation): Result<GitLocation> {
  const errors: string[] = [];
  let base: Partial<GitLocation>;
  if (input.git_url !== undefined) {
    if (input.git_platform !== undefined || input.git_owner !== undefined || input.git_repo !== undefined) {
      return { ok: false, errors: ['Give either git_url or git_platform, git_owner and git_repo, not both'] };
    }
    const parsed = parseGitUrl(input.git_url);
    if (!parsed.ok) return parsed;
    base = parsed.value;
    for (const key of ['git_path', 'git_ref'] as const) {
      const fromUrl = parsed.value[key];
      if (fromUrl !== null && input[key] !== undefined && input[key] !== fromUrl) errors.push(`The ${key} field disagrees with the git_url`);
    }
  } else {
    base = { ...current };
    if (input.git_platform !== undefined) base.git_platform = input.git_platform;
    if (input.git_owner !== undefined) base.git_owner = input.git_owner.trim();
    if (input.git_repo !== undefined) base.git_repo = input.git_repo.trim().replace(/\.git$/i, '');
  }
  for (const key of ['git_path', 'git_ref'] as const) {
    const given = input[key];
    if (given === undefined) continue;
    const normalised = given === null ? { ok: true as const, value: null } : key === 'git_path' ? normalisePath(given) : normaliseRef(given);
    if (normalised.ok) base[key] = normalised.value;
    else errors.push(...normalised.errors);
  }
  if (!base.git_platform) errors.push('Give git_url, or git_platform (github, gitlab or bitbucket), git_owner and git_repo');
  else {
    if (!base.git_owner) errors.push("Git owner can't be blank");
    else {
      const problem = ownerError(base.git_platform, base.git_owner);
      if (problem) errors.push(problem);
    }
    if (!base.git_repo) errors.push("Git repo can't be blank");
    else {
      const problem = repoError(base.git_repo);
      if (problem) errors.push(problem);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      git_platform: base.git_platform as GitPlatform,
      git_owner: base.git_owner as string,
      git_repo: base.git_repo as string,
      git_path: base.git_path ?? null,
      git_ref: base.git_ref ?? null,
    },
  };
}

/** The URL a user pastes into Unity's Package Manager: the proxy's, with ?path= and #ref kept. */
export function installUrl(publicBaseUrl: string, slug: string, location: Pick<GitLocation, 'git_path' | 'git_ref'>): string {
  const query = location.git_path ? `?path=${location.git_path}` : '';
  const fragment = location.git_ref ? `#${location.git_ref}` : '';
  return `${publicBaseUrl}/${slug}.git${query}${fragment}`;
}

/**
 * The package's repository on its real host: `<base>/<owner>/<repo>.git`, where base is the
 * platform's upstream (GIT_UPSTREAM_<PLATFORM>). The git proxy streams to it and the metadata
 * worker fetches from it, so both reach the same repository.
 */
export function upstreamRepoUrl(upstreams: Record<GitPlatform, string>, location: Pick<GitLocation, 'git_platform' | 'git_owner' | 'git_repo'>): string {
  const owner = location.git_owner.split('/').map(encodeURIComponent).join('/');
  return `${upstreams[location.git_platform]}/${owner}/${encodeURIComponent(location.git_repo)}.git`;
}
