import type { Db } from '../db/knex';
import { getPublicCollection } from '../db/directory-store';
import { installUrl } from '../lib/git-url';
import { collectionPath, copyField, packageList, userPath } from './components';
import { html } from './html';
import { layout } from './layout';

/**
 * GET /collections/{slug}: a public collection, its owner and its public member packages, each
 * with its install URL to copy. A private or unknown collection is not found (null), alike.
 */

export async function loadCollectionPage(db: Db, base: string, slug: string): Promise<string | null> {
  const found = await getPublicCollection(db, slug);
  if (!found) return null;
  const { collection, packages } = found;
  const count = `${packages.length} ${packages.length === 1 ? 'package' : 'packages'}`;
  const body = html`<section class="card" aria-labelledby="collection-title"><h1 id="collection-title">${collection.name}</h1>
${collection.description ? html`<p>${collection.description}</p>` : ''}
<p class="muted">A collection by <a href="${userPath(collection.owner_username)}">${collection.owner_username}</a> · ${count}</p>
${collection.tags.length ? html`<ul class="chips" aria-label="Tags">${collection.tags.map((t) => html`<li class="chip">${t}</li>`)}</ul>` : ''}
<p class="muted" style="margin:0">Install each package in Unity: Window → Package Manager → + → Add package from git URL.</p></section>
<h2>Packages</h2>
${packageList(packages, 3, 'This collection has no public packages yet.', (pkg, i) => copyField(`install-${i}`, `Install URL of ${pkg.display_name}`, installUrl(base, pkg.slug, pkg)))}`;
  return layout({
    title: `${collection.name} · a collection of Unity packages`,
    description: (collection.description ?? `${collection.name}: ${count} collected by ${collection.owner_username}.`).slice(0, 300),
    canonical: `${base}${collectionPath(collection.slug)}`,
    indexable: true,
  }, body);
}
