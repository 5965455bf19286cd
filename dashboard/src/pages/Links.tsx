import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { A, CopyButton, Empty, ErrorNote, fmt, Loading, Page, useAction, useLoad, when } from '../components/ui';
import { setParams, useLocation } from '../router';

export type Link = paths['/api/v1/links']['get']['responses'][200]['content']['application/json']['links'][number];

const STATUSES = [['', 'All but archived'], ['active', 'Active'], ['scheduled', 'Scheduled'], ['expired', 'Expired'], ['archived', 'Archived']] as const;
type Sort = NonNullable<NonNullable<paths['/api/v1/links']['get']['parameters']['query']>['sort']>;
const SORTS: ReadonlyArray<readonly [Sort, string]> = [['-created_at', 'Newest'], ['created_at', 'Oldest'], ['-clicks', 'Most clicks'], ['-last_clicked_at', 'Recently clicked'], ['title', 'Title A–Z']];

function statusQuery(status: string): Record<string, string> {
  switch (status) {
    case 'active': return { active: 'true', archived: 'false', expired: 'false' };
    case 'scheduled': return { scheduled: 'true', archived: 'false' };
    case 'expired': return { expired: 'true' };
    case 'archived': return { archived: 'true' };
    default: return { archived: 'false' };
  }
}

export function linkState(l: Link): string {
  if (l.archived) return 'Archived';
  if (l.expires_at && Date.parse(l.expires_at) <= Date.now()) return 'Expired';
  if (l.scheduled_start_at && Date.parse(l.scheduled_start_at) > Date.now()) return 'Scheduled';
  if (!l.active) return 'Paused';
  return 'Active';
}

export function useCollections() {
  return useLoad(() => ok(api.GET('/api/v1/collections', { params: { query: { per_page: '100' } } })), []);
}

export function Links() {
  const { params } = useLocation();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const q = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const sort = SORTS.find(([v]) => v === params.get('sort'))?.[0] ?? '-created_at';
  const tag = params.get('tag') ?? '';
  const collection = params.get('collection') ?? '';
  const page = params.get('page') ?? '1';
  const collections = useCollections();
  const archive = useAction();
  // Typing searches after a pause; the URL keeps the search, so it can be shared.
  useEffect(() => {
    const t = setTimeout(() => { if (search !== q) setParams({ q: search || null, page: null }); }, 250);
    return () => clearTimeout(t);
  }, [search]);
  const list = useLoad(() => ok(api.GET('/api/v1/links', { params: { query: {
    page, per_page: '25', sort, ...(q ? { q } : {}), ...(tag ? { tag } : {}), ...(collection ? { collection_id: collection } : {}), ...statusQuery(status),
  } } })), [q, status, sort, tag, collection, page]);
  const data = list.data;
  return (
    <Page title="Links" actions={<A class="button primary" href="/app/links/new">New link</A>}>
      <form class="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); setParams({ q: search || null, page: null }); }}>
        <label class="inline grow"><span class="sr-only">Search links</span>
          <input type="search" placeholder="Search code, title or destination" value={search} onInput={(e) => setSearch(e.currentTarget.value)} aria-label="Search links" />
        </label>
        <label class="inline"><span class="sr-only">Status</span>
          <select aria-label="Status" value={status} onChange={(e) => setParams({ status: e.currentTarget.value || null, page: null })}>
            {STATUSES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
        <label class="inline"><span class="sr-only">Collection</span>
          <select aria-label="Collection" value={collection} onChange={(e) => setParams({ collection: e.currentTarget.value || null, page: null })}>
            <option value="">Any collection</option>
            {(collections.data?.collections ?? []).map((c) => <option key={c.id} value={String(c.id)}>{c.name}</option>)}
          </select>
        </label>
        <label class="inline"><span class="sr-only">Tag</span>
          <input aria-label="Tag" placeholder="Tag" size={10} value={tag} onChange={(e) => setParams({ tag: e.currentTarget.value.trim() || null, page: null })} />
        </label>
        <label class="inline"><span class="sr-only">Sort</span>
          <select aria-label="Sort" value={sort} onChange={(e) => setParams({ sort: e.currentTarget.value, page: null })}>
            {SORTS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
      </form>
      <ErrorNote error={list.error} />
      <ErrorNote error={archive.error} />
      {!data ? (list.error ? null : <Loading what="links" />) : data.links.length === 0 ? (
        q || status || tag || collection
          ? <Empty title="No links match.">Clear the search or filters to see all your links.</Empty>
          : <Empty title="No links yet."><A class="button primary" href="/app/links/new">Create your first link</A></Empty>
      ) : (
        <>
          <p class="muted" role="status">{fmt(data.pagination.total)} link{data.pagination.total === 1 ? '' : 's'}</p>
          <div class="scroll" tabIndex={0}>
            <table class="list">
              <thead><tr><th scope="col">Link</th><th scope="col">Destination</th><th scope="col">Clicks</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {data.links.map((l) => (
                  <tr key={l.id}>
                    <td><A href={`/app/links/${l.id}`}>/{l.short_code}</A>{l.title ? <div class="muted">{l.title}</div> : null}
                      {l.tags.length ? <div class="tags">{l.tags.map((t) => <span class="tag" key={t}>{t}</span>)}</div> : null}</td>
                    <td class="truncate" title={l.destination_url}>{l.destination_url}</td>
                    <td>{fmt(l.click_count)}</td>
                    <td>{linkState(l)}{l.password_protected ? ' · password' : ''}</td>
                    <td>{when(l.created_at)}</td>
                    <td class="row-actions">
                      <CopyButton text={l.short_url} label={`Copy short URL of /${l.short_code}`} />
                      <A class="button small" href={`/app/links/${l.id}/edit`} aria-label={`Edit /${l.short_code}`}>Edit</A>
                      {!l.archived ? <button type="button" class="small" aria-label={`Archive /${l.short_code}`} disabled={archive.busy}
                        onClick={() => void archive.run(async () => { await ok(api.DELETE('/api/v1/links/{id}', { params: { path: { id: String(l.id) } } })); list.reload(); })}>Archive</button> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            <button type="button" disabled={data.pagination.page <= 1} onClick={() => setParams({ page: String(data.pagination.page - 1) })}>Previous</button>
            <span>Page {data.pagination.page} of {Math.max(1, data.pagination.total_pages)}</span>
            <button type="button" disabled={data.pagination.page >= data.pagination.total_pages} onClick={() => setParams({ page: String(data.pagination.page + 1) })}>Next</button>
          </nav>
        </>
      )}
    </Page>
  );
}
