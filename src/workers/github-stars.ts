import type { Config } from '../config';
import type { GitLocation } from '../lib/git-url';

/**
 * A GitHub repository's star count from GitHub's REST API (GITHUB_API_URL, GITHUB_TOKEN when
 * set). Never a guess: `null` when GitHub says there is no such repository (or it is not on
 * GitHub), `undefined` when GitHub could not be asked (unreachable, rate limited, an answer that
 * does not read), so the caller keeps what it last knew.
 */

const MAX_ANSWER_BYTES = 512 * 1024;

export async function fetchGithubStars(config: Pick<Config, 'githubApiUrl' | 'githubToken' | 'metadataFetchTimeoutMs'>, location: Pick<GitLocation, 'git_platform' | 'git_owner' | 'git_repo'>): Promise<number | null | undefined> {
  if (location.git_platform !== 'github') return null;
  const url = `${config.githubApiUrl}/repos/${encodeURIComponent(location.git_owner)}/${encodeURIComponent(location.git_repo)}`;
  const headers: Record<string, string> = { Accept: 'application/vnd.github+json', 'User-Agent': 'Linktally', 'X-GitHub-Api-Version': '2022-11-28' };
  if (config.githubToken) headers.Authorization = `Bearer ${config.githubToken}`;
  try {
    const answer = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(config.metadataFetchTimeoutMs) });
    if (answer.status === 404) return null;
    if (!answer.ok) return undefined;
    const declared = Number(answer.headers.get('content-length') ?? 0);
    if (declared > MAX_ANSWER_BYTES) return undefined;
    const text = await answer.text();
    if (text.length > MAX_ANSWER_BYTES) return undefined;
    const stars = (JSON.parse(text) as { stargazers_count?: unknown }).stargazers_count;
    return typeof stars === 'number' && Number.isSafeInteger(stars) && stars >= 0 ? Math.min(stars, 2_147_483_647) : undefined;
  } catch {
    return undefined;
  }
}
