import { publicProfile, type PublicCollection } from '../db/directory-store';
import type { Db } from '../db/knex';
import { collectionPath, formatNumber, packageList, userPath } from './components';
import { html, type Html } from './html';
import { layout } from './layout';

/**
 * GET /u/{username}: a user's public, listed packages (most installed first) and public
 * collections, up to PROFILE_LIMIT of each. An unknown user is not found (null); a user with
 * nothing public has a page that says so, and shows nothing else.
 */

export const PROFILE_LIMIT = 100;

function collectionItem(c: PublicCollection): Html {
  return html`<li class="card item"><h3><a href="${collectionPath(c.slug)}">${c.name}</a></h3>
${c.description ? html`<p>${c.description}</p>` : ''}<p class="muted">${formatNumber(c.package_count)} ${c.package_count === 1 ? 'package' : 'packages'}</p></li>`;
}

export async function loadUserPage(db: Db, base: string, username: string): Promise<string | null> {
  const profile = await publicProfile(db, username, { limit: PROFILE_LIMIT, offset: 0 });
  if (!profile) return null;
  const avatar = profile.avatar_url?.startsWith('https://') ? html`<img class="avatar" src="${profile.avatar_url}" alt="" width="48" height="48"> ` : '';
  const body = html`<section class="card" aria-labelledby="user-title"><h1 id="user-title">${avatar}${profile.username}</h1>
<p class="muted" style="margin:0">${formatNumber(profile.packages.length)} public ${profile.packages.length === 1 ? 'package' : 'packages'} · ${formatNumber(profile.collections.length)} public ${profile.collections.length === 1 ? 'collection' : 'collections'}</p></section>
<section aria-labelledby="packages-title"><h2 id="packages-title">Packages</h2>${packageList(profile.packages, 3, 'No public packages yet.')}</section>
<section aria-labelledby="collections-title"><h2 id="collections-title">Collections</h2>${profile.collections.length ? html`<ul class="items">${profile.collections.map(collectionItem)}</ul>` : html`<p class="muted">No public collections yet.</p>`}</section>`;
  return layout({
    title: `${profile.username} · Unity packages and collections`,
    description: `Public Unity packages and collections by ${profile.username}.`,
    canonical: `${base}${userPath(profile.username)}`,
    indexable: true,
  }, body);
}
