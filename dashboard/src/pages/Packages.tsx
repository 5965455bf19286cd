import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { Breakdown } from '../components/Breakdown';
import { SeriesChart } from '../components/Chart';
import { A, CopyButton, Empty, ErrorNote, Field, fmt, Loading, Page, useAction, useLoad } from '../components/ui';
import { navigate } from '../router';

type Package = paths['/api/v1/packages/{slug}']['get']['responses'][200]['content']['application/json'];
const BADGE_STYLES = ['pkglnk', 'upm', 'upm-installs', 'installs'] as const;
const slugPath = (slug: string) => ({ params: { path: { slug } } });

function ranked(counts: Record<string, number>) {
  return Object.entries(counts).map(([key, clicks]) => ({ key, clicks })).sort((a, b) => b.clicks - a.clicks);
}

function PackageForm({ pkg, onSaved }: { pkg?: Package; onSaved: (slug: string) => void }) {
  const action = useAction();
  const [gitUrl, setGitUrl] = useState('');
  const [name, setName] = useState(pkg?.display_name ?? '');
  const [slug, setSlug] = useState(pkg?.slug ?? '');
  const [description, setDescription] = useState(pkg?.description ?? '');
  const [isPrivate, setPrivate] = useState(pkg?.is_private ?? false);
  return (
    <form class="form" onSubmit={(e) => {
      e.preventDefault();
      void action.run(async () => {
        const body = {
          ...(gitUrl.trim() ? { git_url: gitUrl.trim() } : {}),
          ...(name.trim() ? { display_name: name.trim() } : {}),
          ...(!pkg && slug.trim() ? { slug: slug.trim() } : {}),
          description: description.trim() || null,
          is_private: isPrivate,
        };
        const saved = pkg
          ? await ok(api.PATCH('/api/v1/packages/{slug}', { ...slugPath(pkg.slug), body }))
          : await ok(api.POST('/api/v1/packages', { body }));
        onSaved(saved.slug);
      });
    }}>
      <Field label={pkg ? 'New git URL' : 'Git URL'} hint="e.g. https://github.com/owner/repo.git?path=Packages/com.me.tool#v1.2.0 — ?path= for a subfolder, #ref for a branch or tag.">
        <input name="git_url" required={!pkg} value={gitUrl} onInput={(e) => setGitUrl(e.currentTarget.value)} placeholder={pkg ? `${pkg.git_platform}: ${pkg.git_owner}/${pkg.git_repo}` : 'https://github.com/owner/repo.git'} />
      </Field>
      <div class="two">
        <Field label="Display name"><input name="display_name" value={name} onInput={(e) => setName(e.currentTarget.value)} /></Field>
        {!pkg ? <Field label="Slug" hint="Leave blank to derive it from the repository."><input name="slug" value={slug} onInput={(e) => setSlug(e.currentTarget.value)} /></Field> : null}
      </div>
      <Field label="Description"><textarea name="description" rows={2} value={description} onInput={(e) => setDescription(e.currentTarget.value)} /></Field>
      <label class="check"><input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.currentTarget.checked)} /> Private repository</label>
      <ErrorNote error={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>{pkg ? 'Save package' : 'Create package'}</button>
    </form>
  );
}

export function Packages() {
  const list = useLoad(async () => ok(api.GET('/api/v1/packages', { params: { query: { limit: '200' } } })), []);
  const [creating, setCreating] = useState(false);
  return (
    <Page title="Packages" actions={<button type="button" class="primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>New package</button>}>
      {creating ? <div class="card"><h2>New package</h2><PackageForm onSaved={(slug) => navigate(`/app/packages/${slug}`)} /></div> : null}
      <ErrorNote error={list.error} />
      {!list.data ? (list.error ? null : <Loading what="packages" />) : list.data.packages.length === 0 ? (
        <Empty title="No packages yet.">Create one from a git URL to get an install URL for Unity and count its installs.</Empty>
      ) : (
        <div class="scroll" tabIndex={0}>
          <table class="list">
            <thead><tr><th scope="col">Package</th><th scope="col">Repository</th><th scope="col">Installs</th><th scope="col">Install URL</th></tr></thead>
            <tbody>
              {list.data.packages.map((p) => (
                <tr key={p.slug}>
                  <td><A href={`/app/packages/${p.slug}`}>{p.display_name}</A><div class="muted">{p.slug}</div></td>
                  <td>{p.git_owner}/{p.git_repo}{p.git_path ? `?path=${p.git_path}` : ''}{p.git_ref ? `#${p.git_ref}` : ''}</td>
                  <td>{fmt(p.total_installs)}</td>
                  <td class="truncate"><code>{p.install_url}</code> <CopyButton text={p.install_url} label={`Copy install URL of ${p.slug}`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

export function PackageDetail({ slug }: { slug: string }) {
  const pkg = useLoad(async () => ok(api.GET('/api/v1/packages/{slug}', slugPath(slug))), [slug]);
  const [days, setDays] = useState('30');
  const stats = useLoad(async () => ok(api.GET('/api/v1/packages/{slug}/analytics', { ...slugPath(slug), params: { path: { slug }, query: { days } } })), [slug, days]);
  const [editing, setEditing] = useState(false);
  const remove = useAction();
  const p = pkg.data;
  if (!p) return <Page title="Package">{pkg.error ? <ErrorNote error={pkg.error} /> : <Loading what="the package" />}</Page>;
  const badgeBase = `${location.origin}/badge/${p.slug}.svg`;
  return (
    <Page title={p.display_name} actions={<>
      <label class="inline">Period <select value={days} onChange={(e) => setDays(e.currentTarget.value)}><option value="7">7 days</option><option value="30">30 days</option><option value="90">90 days</option><option value="365">12 months</option></select></label>
      <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>Edit</button>
      <button type="button" class="danger" disabled={remove.busy} onClick={() => {
        if (!confirm(`Delete ${p.slug}? Its install URL stops working.`)) return;
        void remove.run(async () => { await ok(api.DELETE('/api/v1/packages/{slug}', slugPath(p.slug))); navigate('/app/packages'); });
      }}>Delete</button>
    </>}>
      <ErrorNote error={remove.error} />
      {editing ? <div class="card"><h2>Edit package</h2><PackageForm pkg={p} onSaved={(s) => { setEditing(false); if (s !== slug) navigate(`/app/packages/${s}`); else pkg.reload(); }} /></div> : null}
      <div class="card">
        <h2>Install URL</h2>
        <p>Paste this into Unity's Package Manager (Add package from git URL):</p>
        <p><code class="wrap">{p.install_url}</code> <CopyButton text={p.install_url} label="Copy install URL" /></p>
      </div>
      <ErrorNote error={stats.error} />
      {stats.data ? (
        <>
          <div class="stats">
            <div class="card stat"><h2>Installs</h2><p class="big">{fmt(stats.data.totals.installs)}</p></div>
            <div class="card stat"><h2>Unique IPs</h2><p class="big">{fmt(stats.data.totals.unique_ips)}</p></div>
            <div class="card stat"><h2>All-time installs</h2><p class="big">{fmt(p.total_installs)}</p></div>
          </div>
          <div class="card">
            <SeriesChart label={`Installs per day, last ${stats.data.period.days} days`} currentName="Installs"
              x={stats.data.daily.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000)} current={stats.data.daily.map((d) => d.installs)} />
          </div>
          <div class="grid">
            <Breakdown title="Operating systems" rows={ranked(stats.data.by_os)} unit="installs" />
            <Breakdown title="Countries" rows={ranked(stats.data.by_country)} country unit="installs" />
            <Breakdown title="Install sources" rows={ranked(stats.data.by_source)} unit="installs" />
          </div>
        </>
      ) : stats.error ? null : <Loading what="install analytics" />}
      <div class="card">
        <h2>Badges</h2>
        <ul class="plain badges">
          {BADGE_STYLES.map((style) => {
            const url = `${badgeBase}?style=${style}`;
            const md = `[![${p.display_name}](${url})](${p.install_url})`;
            const html = `<a href="${p.install_url}"><img src="${url}" alt="${p.display_name}"></a>`;
            return (
              <li key={style}>
                <img src={url} alt={`${style} badge`} height={20} />
                <div><span class="muted">Markdown</span> <code class="wrap">{md}</code> <CopyButton text={md} label={`Copy ${style} badge Markdown`} /></div>
                <div><span class="muted">HTML</span> <code class="wrap">{html}</code> <CopyButton text={html} label={`Copy ${style} badge HTML`} /></div>
              </li>
            );
          })}
        </ul>
      </div>
    </Page>
  );
}
