import type { PackageRow } from '../db/package-store';
import { html, type Html } from './html';

/** The pieces the pages for people share: numbers, copy fields, topic links and a package's entry in a list. */

export function formatNumber(n: number): string {
  return new Intl.NumberFormat('en').format(n);
}

export function pkgPath(slug: string): string {
  return `/pkg/${encodeURIComponent(slug)}`;
}

export function collectionPath(slug: string): string {
  return `/collections/${encodeURIComponent(slug)}`;
}

export function userPath(username: string): string {
  return `/u/${encodeURIComponent(username)}`;
}

export function topicPath(topic: string): string {
  return `/directory?topic=${encodeURIComponent(topic)}`;
}

/** A read-only field with a button that copies it (layout.ts's one script); `id` must be unique on the page. */
export function copyField(id: string, label: string, value: string): Html {
  return html`<div class="snippet"><label for="${id}">${label}</label><div class="copy"><input id="${id}" class="mono" value="${value}" readonly><button type="button" data-copy="${id}" aria-label="Copy ${label.toLowerCase()}">Copy</button></div><span id="${id}-status" class="muted" role="status"></span></div>`;
}

/** Topics as links to the directory filtered by each. */
export function topicLinks(topics: readonly string[], label = 'Topics'): Html | '' {
  return topics.length ? html`<ul class="chips" aria-label="${label}">${topics.map((t) => html`<li><a class="chip" href="${topicPath(t)}">${t}</a></li>`)}</ul>` : '';
}

/** A package as a list shows it: name linking to its page, description, topics, installs and stars; `extra` below (an install field). */
export function packageItem(pkg: PackageRow, headingLevel: 2 | 3, extra: Html | '' = ''): Html {
  const name = html`<a href="${pkgPath(pkg.slug)}">${pkg.display_name}</a>`;
  return html`<li class="card item">${headingLevel === 2 ? html`<h2>${name}</h2>` : html`<h3>${name}</h3>`}
${pkg.description ? html`<p>${pkg.description}</p>` : ''}
<p class="muted stats">${formatNumber(pkg.total_installs)} ${pkg.total_installs === 1 ? 'install' : 'installs'}${pkg.github_stars === null ? '' : html` · ${formatNumber(pkg.github_stars)} GitHub stars`}${pkg.version ? html` · v${pkg.version}` : ''}</p>
${topicLinks(pkg.topics, `Topics of ${pkg.display_name}`)}${extra}</li>`;
}

/** Packages as a list, or a line saying there are none. */
export function packageList(packages: readonly PackageRow[], headingLevel: 2 | 3, empty: string, extra: (pkg: PackageRow, i: number) => Html | '' = () => ''): Html {
  return packages.length ? html`<ul class="items">${packages.map((p, i) => packageItem(p, headingLevel, extra(p, i)))}</ul>` : html`<p class="muted">${empty}</p>`;
}
