import type { z } from 'zod';
import type { DirectorySort } from '../db/directory-store';
import { searchDirectory } from '../domain/directory-search';
import type { Services } from '../services';
import { directoryQuery } from '../lib/directory-query';
import { formatIssues } from '../lib/schemas';
import { formatNumber, packageList } from './components';
import { html } from './html';
import { layout } from './layout';

/**
 * GET /directory: the public, listed packages (db/directory-store.ts, the same query as the
 * pkglnk client's /api/directory), searchable with a plain GET form, filtered by topic, sorted by
 * installs or recency, in pages of PAGE_SIZE with previous/next links. No script is needed.
 */

export const PAGE_SIZE = 20;

// The client's query without `limit`: a person pages, they do not size pages.
const pageQuery = directoryQuery.omit({ limit: true });

export interface DirectoryView {
  page: number;
  q?: string;
  topic?: string;
  sort: DirectorySort;
}

/** The query read from a URL's search string: the view to render (also its cache key), or the problems to show on a 400 page. */
export function readDirectoryQuery(search: URLSearchParams): { view: DirectoryView } | { problems: string[] } {
  const parsed = pageQuery.safeParse(Object.fromEntries(search));
  if (!parsed.success) return { problems: formatIssues(parsed.error) };
  const data: z.infer<typeof pageQuery> = parsed.data;
  const q = data.q?.trim().replace(/\s+/g, ' ');
  return { view: { page: data.page ?? 1, q: q || undefined, topic: data.topic || undefined, sort: data.sort ?? 'installs' } };
}

/** The address of a view, leaving defaults out, so each view has one canonical URL. */
export function directoryPath(view: DirectoryView): string {
  const params = new URLSearchParams();
  if (view.q) params.set('q', view.q);
  if (view.topic) params.set('topic', view.topic);
  if (view.sort !== 'installs') params.set('sort', view.sort);
  if (view.page > 1) params.set('page', String(view.page));
  const search = params.toString();
  return search ? `/directory?${search}` : '/directory';
}

const SORTS: ReadonlyArray<[DirectorySort, string]> = [['installs', 'Most installed'], ['recent', 'Newest']];

export async function loadDirectoryPage(services: Pick<Services, 'db' | 'redis' | 'config' | 'logger'>, base: string, view: DirectoryView): Promise<string> {
  const offset = (view.page - 1) * PAGE_SIZE;
  const { rows, total } = await searchDirectory(services, { search: view.q, topic: view.topic, sort: view.sort, limit: PAGE_SIZE, offset });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  // Topics of the packages shown, most common first: the ways on from this page.
  const topicCounts = new Map<string, number>();
  for (const pkg of rows) for (const t of pkg.topics) topicCounts.set(t, (topicCounts.get(t) ?? 0) + 1);
  const topics = [...topicCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 20).map(([t]) => t).filter((t) => t !== view.topic);

  const heading = view.topic ? `Packages about ${view.topic}` : 'Package directory';
  const summary = view.q
    ? `${formatNumber(total)} ${total === 1 ? 'package matches' : 'packages match'} “${view.q}”`
    : `${formatNumber(total)} public ${total === 1 ? 'package' : 'packages'}`;
  const body = html`<h1>${heading}</h1>
<section class="card" aria-label="Search and sort">
<form class="search" role="search" method="get" action="/directory"><div class="field"><label for="q">Search packages</label><input id="q" type="search" name="q" value="${view.q ?? ''}" maxlength="200" autocomplete="off"></div>
${view.topic ? html`<input type="hidden" name="topic" value="${view.topic}">` : ''}${view.sort !== 'installs' ? html`<input type="hidden" name="sort" value="${view.sort}">` : ''}<button type="submit">Search</button></form>
<div class="bar"><span class="muted">Sort:</span>${SORTS.map(([sort, label]) => (sort === view.sort ? html`<a href="${directoryPath({ ...view, sort, page: 1 })}" aria-current="page">${label}</a>` : html`<a href="${directoryPath({ ...view, sort, page: 1 })}">${label}</a>`))}
${view.topic ? html`<span>Topic: <strong>${view.topic}</strong> · <a href="${directoryPath({ ...view, topic: undefined, page: 1 })}">all topics</a></span>` : ''}</div>
${topics.length ? html`<nav aria-label="Topics"><ul class="chips">${topics.map((t) => html`<li><a class="chip" href="${directoryPath({ ...view, topic: t, page: 1 })}">${t}</a></li>`)}</ul></nav>` : ''}
</section>
<p class="muted" role="status">${summary}${pages > 1 ? `, page ${formatNumber(view.page)} of ${formatNumber(pages)}` : ''}</p>
${packageList(rows, 2, view.page > pages ? 'There are no packages on this page.' : 'No packages found.')}
${pages > 1 || view.page > 1 ? html`<nav class="pager" aria-label="Pages">${view.page > 1 ? html`<a href="${directoryPath({ ...view, page: Math.min(view.page - 1, pages) })}" rel="prev">← Previous page</a>` : html`<span></span>`}${view.page < pages ? html`<a href="${directoryPath({ ...view, page: view.page + 1 })}" rel="next">Next page →</a>` : ''}</nav>` : ''}`;
  return layout({
    title: view.page > 1 ? `${heading} (page ${view.page}) · Unity packages` : `${heading} · Unity packages`,
    description: view.topic ? `Public Unity packages about ${view.topic}, installable from a git URL.` : 'Public Unity packages, searchable and installable from a git URL, with their install counts.',
    canonical: `${base}${directoryPath(view)}`,
    // Search results are thin and endless; the directory and its topics are what an index wants.
    indexable: view.q === undefined,
  }, body);
}
