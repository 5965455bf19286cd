import { INSTALL_ID_PATTERN } from '../lib/edge-events';
import { pathOf } from '../lib/url-path';

/**
 * The git proxy's URL space: /<slug>.git/<smart-HTTP path> and the legacy
 * /track/<slug>.git/<…>. Pure, so the edge can decide in a few string operations whether a
 * request is git's, and the proxy which git request it is.
 *
 * The pkglnk Unity client installs from `/<slug>.git?install=<id>` (or `?path=…&install=…`).
 * Git appends its own path after that query, so the query arrives *before* the smart-HTTP path:
 * `/<slug>.git?install=<id>/info/refs?service=git-upload-pack` (or `…/info/refs&service=…`, as
 * git writes it when the URL already has a `?`), `/<slug>.git?install=<id>/git-upload-pack`.
 * Both positions are read; none of it is sent upstream.
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
  /** info/refs' ?service=, wherever it stood. */
  service: string | null;
  /** The client's install id (16 hex digits, lower-cased) when the URL carried a valid one. */
  installId: string | null;
}

const ACTIONS: Record<string, GitAction> = {
  '/info/refs': 'info-refs',
  '/git-upload-pack': 'upload-pack',
  '/git-receive-pack': 'receive-pack',
  '/info/lfs/objects/batch': 'lfs-batch',
};

const PREFIX = /^\/(track\/)?([^/?]+?)\.git(?=\/|\?|%3f|$)/i;
// An optional query (raw "?", or percent-encoded "%3F") before the smart-HTTP path, the path,
// then git's own query (after "?", or "&" when it extended ours). The lazy pre-query makes the
// first smart-HTTP path that ends the URL or starts git's query win.
const AFTER_SLUG = /^(?:(\?|%3f)(.*?))?(\/info\/refs|\/git-upload-pack|\/git-receive-pack|\/info\/lfs\/objects\/batch)\/*(?:[?&](.*))?$/i;

/** Cheap test for the edge: is this request the git proxy's to answer? */
export function isGitPath(url: string): boolean {
  const path = pathOf(url);
  if (path.startsWith('/track/')) return true;
  const slash = path.indexOf('/', 1);
  const first = (slash === -1 ? path : path.slice(0, slash)).toLowerCase();
  return first.length > 5 && (first.endsWith('.git') || first.includes('.git%3f'));
}

function params(query: string | undefined, encoded: boolean): URLSearchParams {
  if (!query) return new URLSearchParams();
  if (!encoded) return new URLSearchParams(query);
  try {
    return new URLSearchParams(decodeURIComponent(query));
  } catch {
    return new URLSearchParams();
  }
}

export function parseGitPath(url: string): GitRequest | undefined {
  const prefix = PREFIX.exec(url);
  if (!prefix) return undefined;
  const slug = (prefix[2] as string).toLowerCase();
  const legacy = prefix[1] !== undefined;
  const after = url.slice(prefix[0].length);
  const match = AFTER_SLUG.exec(after);
  if (!match) {
    const rest = after.startsWith('/') ? pathOf(after).replace(/\/+$/, '') : '';
    return { slug, legacy, action: undefined, rest, service: null, installId: null };
  }
  const before = params(match[2], match[1] !== undefined && match[1] !== '?');
  const gits = params(match[4], false);
  const rest = (match[3] as string).toLowerCase();
  const install = (gits.get('install') ?? before.get('install') ?? '').toLowerCase();
  return {
    slug,
    legacy,
    action: ACTIONS[rest],
    rest,
    service: gits.get('service') ?? before.get('service'),
    installId: INSTALL_ID_PATTERN.test(install) ? install : null,
  };
}
