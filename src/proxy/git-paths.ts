import { pathOf, queryOf } from '../lib/url-path';

/**
 * The git proxy's URL space: /<slug>.git/<smart-HTTP path> and the legacy
 * /track/<slug>.git/<…>. Pure, so the edge can decide in a few string operations whether a
 * request is git's, and the proxy which git request it is.
 */

export type GitAction = 'info-refs' | 'upload-pack' | 'receive-pack' | 'lfs-batch';

export interface GitRequest {
  /** As written in the URL (lower-cased); the proxy validates it. */
  slug: string;
  legacy: boolean;
  /** Undefined when the path under <slug>.git is not one the proxy serves. */
  action: GitAction | undefined;
  /** The upstream path under <owner>/<repo>.git, e.g. "/info/refs". */
  rest: string;
}

const ACTIONS: Record<string, GitAction> = {
  '/info/refs': 'info-refs',
  '/git-upload-pack': 'upload-pack',
  '/git-receive-pack': 'receive-pack',
  '/info/lfs/objects/batch': 'lfs-batch',
};

/** Cheap test for the edge: is this request the git proxy's to answer? */
export function isGitPath(url: string): boolean {
  const path = pathOf(url);
  if (path.startsWith('/track/')) return true;
  const slash = path.indexOf('/', 1);
  const first = slash === -1 ? path : path.slice(0, slash);
  return first.length > 5 && first.toLowerCase().endsWith('.git');
}

export function parseGitPath(url: string): GitRequest | undefined {
  const match = /^\/(track\/)?([^/]+)\.git(\/.*)?$/i.exec(pathOf(url));
  if (!match) return undefined;
  const rest = (match[3] ?? '').replace(/\/+$/, '');
  return { slug: (match[2] as string).toLowerCase(), legacy: match[1] !== undefined, action: ACTIONS[rest], rest };
}

/** The one query parameter upstream needs: info/refs' ?service=. Everything else stays here. */
export function serviceOf(url: string): string | null {
  return new URLSearchParams(queryOf(url)).get('service');
}
