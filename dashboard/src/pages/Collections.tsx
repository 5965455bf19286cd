import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { AnalyticsPanel, PeriodPicker } from '../components/Analytics';
import { A, Empty, ErrorNote, Field, fmt, Loading, Page, useAction, useLoad } from '../components/ui';
import { navigate } from '../router';

export function Collections() {
  const list = useLoad(async () => ok(api.GET('/api/v1/collections', { params: { query: { per_page: '100' } } })), []);
  const action = useAction();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  return (
    <Page title="Collections">
      <form class="card form" aria-label="New collection" onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const created = await ok(api.POST('/api/v1/collections', { body: { name: name.trim(), description: description.trim() || null } }));
          setName('');
          setDescription('');
          navigate(`/app/collections/${created.slug}`);
        });
      }}>
        <h2>New collection</h2>
        <div class="two">
          <Field label="Collection name"><input name="collection_name" required value={name} onInput={(e) => setName(e.currentTarget.value)} /></Field>
          <Field label="Description"><input name="collection_description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} /></Field>
        </div>
        <ErrorNote error={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>Create collection</button>
      </form>
      <ErrorNote error={list.error} />
      {!list.data ? (list.error ? null : <Loading what="collections" />) : list.data.collections.length === 0 ? <Empty title="No collections yet.">Group links and packages of one project or campaign into a collection to see their stats together.</Empty> : (
        <table class="list">
          <thead><tr><th scope="col">Collection</th><th scope="col">Links</th><th scope="col">Packages</th></tr></thead>
          <tbody>{list.data.collections.map((c) => <tr key={c.id}><td><A href={`/app/collections/${c.slug}`}>{c.name}</A>{c.description ? <div class="muted">{c.description}</div> : null}</td><td>{fmt(c.link_count)}</td><td>{fmt(c.package_count)}</td></tr>)}</tbody>
        </table>
      )}
    </Page>
  );
}

export function CollectionDetail({ slug }: { slug: string }) {
  const path = { params: { path: { slug } } };
  const collection = useLoad(async () => ok(api.GET('/api/v1/collections/{slug}', path)), [slug]);
  const c = collection.data;
  const links = useLoad(async () => (c ? (await ok(api.GET('/api/v1/links', { params: { query: { collection_id: String(c.id), per_page: '100' } } }))).links : []), [c?.id]);
  const packages = useLoad(async () => (await ok(api.GET('/api/v1/packages', { params: { query: { limit: '200' } } }))).packages, []);
  const allLinks = useLoad(async () => (await ok(api.GET('/api/v1/links', { params: { query: { per_page: '100', archived: 'false' } } }))).links, []);
  const action = useAction();
  const [pick, setPick] = useState('');
  const [pickLink, setPickLink] = useState('');
  if (!c) return <Page title="Collection">{collection.error ? <ErrorNote error={collection.error} /> : <Loading what="the collection" />}</Page>;
  const clicks = (links.data ?? []).reduce((a, l) => a + l.click_count, 0);
  const installs = c.packages.reduce((a, p) => a + p.total_installs, 0);
  return (
    <Page title={c.name} actions={<>
      <button type="button" onClick={() => {
        const next = prompt('New name', c.name);
        if (next && next.trim()) void action.run(async () => { await ok(api.PATCH('/api/v1/collections/{slug}', { ...path, body: { name: next.trim() } })); collection.reload(); });
      }}>Rename</button>
      <button type="button" class="danger" onClick={() => {
        if (confirm(`Delete the collection ${c.name}? Its links and packages stay.`)) void action.run(async () => { await ok(api.DELETE('/api/v1/collections/{slug}', path)); navigate('/app/collections'); });
      }}>Delete</button>
    </>}>
      <ErrorNote error={action.error} />
      <div class="stats">
        <div class="card stat"><h2>Links</h2><p class="big">{fmt(c.link_count)}</p></div>
        <div class="card stat"><h2>Clicks on its links</h2><p class="big">{fmt(clicks)}</p></div>
        <div class="card stat"><h2>Packages</h2><p class="big">{fmt(c.package_count)}</p></div>
        <div class="card stat"><h2>Installs of its packages</h2><p class="big">{fmt(installs)}</p></div>
      </div>
      <div class="grid">
        <section class="card" aria-labelledby="c-links">
          <h2 id="c-links">Links</h2>
          {(links.data ?? []).length === 0 ? <p class="muted">No links in this collection.</p> : <ul class="plain">{(links.data ?? []).map((l) => <li key={l.id}><A href={`/app/links/${l.id}`}>/{l.short_code}</A> · {fmt(l.click_count)} clicks{' '}
            <button type="button" class="small" aria-label={`Remove /${l.short_code} from the collection`} onClick={() => void action.run(async () => {
              // The link stays; it only leaves the collection.
              await ok(api.PATCH('/api/v1/links/{id}', { params: { path: { id: String(l.id) } }, body: { link: { collection_id: null } } }));
              links.reload(); allLinks.reload(); collection.reload();
            })}>Remove</button></li>)}</ul>}
          <form class="inline-form" onSubmit={(e) => {
            e.preventDefault();
            if (pickLink) void action.run(async () => { await ok(api.PATCH('/api/v1/links/{id}', { params: { path: { id: pickLink } }, body: { link: { collection_id: c.id } } })); setPickLink(''); links.reload(); allLinks.reload(); collection.reload(); });
          }}>
            <label class="inline">Add a link <select value={pickLink} onChange={(e) => setPickLink(e.currentTarget.value)}><option value="">Choose…</option>
              {(allLinks.data ?? []).filter((l) => l.collection_id !== c.id).map((l) => <option key={l.id} value={String(l.id)}>/{l.short_code}</option>)}</select></label>
            <button type="submit" disabled={!pickLink}>Add link</button>
          </form>
        </section>
        <section class="card" aria-labelledby="c-packages">
          <h2 id="c-packages">Packages</h2>
          {c.packages.length === 0 ? <p class="muted">No packages in this collection.</p> : (
            <ul class="plain">{c.packages.map((p) => <li key={p.id}><A href={`/app/packages/${p.slug}`}>{p.display_name}</A> · {fmt(p.total_installs)} installs{' '}
              <button type="button" class="small" aria-label={`Remove ${p.slug} from the collection`} onClick={() => void action.run(async () => {
                await ok(api.DELETE('/api/v1/collections/{slug}/packages/{packageId}', { params: { path: { slug, packageId: p.slug } } }));
                collection.reload();
              })}>Remove</button></li>)}</ul>
          )}
          <form class="inline-form" onSubmit={(e) => {
            e.preventDefault();
            if (pick) void action.run(async () => { await ok(api.POST('/api/v1/collections/{slug}/packages', { ...path, body: { packageId: pick } })); setPick(''); collection.reload(); });
          }}>
            <label class="inline">Add a package <select value={pick} onChange={(e) => setPick(e.currentTarget.value)}><option value="">Choose…</option>
              {(packages.data ?? []).filter((p) => !c.packages.some((m) => m.slug === p.slug)).map((p) => <option key={p.slug} value={p.slug}>{p.display_name}</option>)}</select></label>
            <button type="submit" disabled={!pick}>Add package</button>
          </form>
        </section>
      </div>
      <section aria-labelledby="c-stats">
        <div class="row-head"><h2 id="c-stats">Combined stats</h2><PeriodPicker /></div>
        <p class="muted">Clicks on this collection's links and installs of its packages, against the previous period.</p>
        {/* Keyed by the members, so adding or removing one reads the stats again. */}
        <AnalyticsPanel key={`${c.link_count}:${c.package_count}`} collectionId={c.id} />
      </section>
    </Page>
  );
}
