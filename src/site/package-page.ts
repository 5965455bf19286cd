import type { Db } from '../db/knex';
import { dailyInstalls } from '../db/package-stats-store';
import { findPublicPackageWithReadme, type PublicPackage } from '../db/public-package-store';
import { daysEndingToday, daysOf } from '../lib/days';
import { installUrl } from '../lib/git-url';
import { copyField, formatNumber, pkgPath, topicLinks } from './components';
import { html, trusted, type Html } from './html';
import { installChart } from './install-chart';
import { layout } from './layout';
import { renderReadme } from '../lib/readme-html';

/**
 * GET /pkg/{slug}: a public package's page. The whole page is rendered once per slug per cache
 * period (site/routes.ts) from one read of the package, its last 30 days of installs and its
 * README; a private or unknown package is not found.
 */

export const CHART_DAYS = 30;
const BADGE_STYLES = ['pkglnk', 'upm', 'upm-installs', 'installs'] as const;

function badges(base: string, pkg: PublicPackage): Html {
  const page = `${base}${pkgPath(pkg.slug)}`;
  return html`${BADGE_STYLES.map((style) => {
    const src = `${base}/badge/${encodeURIComponent(pkg.slug)}.svg${style === 'pkglnk' ? '' : `?style=${style}`}`;
    return html`<div class="snippet"><p style="margin:.2rem 0"><img src="${src}" alt="${style} badge of ${pkg.display_name}" height="20"></p>
${copyField(`badge-md-${style}`, `Markdown, ${style} style`, `[![${pkg.display_name}](${src})](${page})`)}
${copyField(`badge-html-${style}`, `HTML, ${style} style`, `<a href="${page}"><img src="${src}" alt="${pkg.display_name}"></a>`)}</div>`;
  })}`;
}

export function packagePage(base: string, pkg: PublicPackage, readme: string | null, days: Array<{ day: string; installs: number }>): string {
  const install = installUrl(base, pkg.slug, pkg);
  const description = pkg.description ?? `${pkg.display_name}, a Unity package installed from ${install}`;
  const facts: Array<[string, string | null]> = [
    ['Package', pkg.package_json_name],
    ['Version', pkg.version],
    ['Unity', pkg.unity_version],
    ['Installs', formatNumber(pkg.total_installs)],
    ['GitHub stars', pkg.github_stars === null ? null : formatNumber(pkg.github_stars)],
    ['Repository', `${pkg.git_platform}: ${pkg.git_owner}/${pkg.git_repo}${pkg.git_path ? ` (${pkg.git_path})` : ''}`],
  ];
  const body = html`<div class="layout"><div>
<section class="card" aria-labelledby="pkg-title"><h1 id="pkg-title">${pkg.display_name}</h1>
${pkg.description ? html`<p>${pkg.description}</p>` : ''}
${topicLinks(pkg.topics)}
${copyField('install-url', 'Install URL', install)}
<p class="muted" style="margin:0">In Unity: Window → Package Manager → + → Add package from git URL.</p></section>
<section class="card" aria-labelledby="readme-title"><h2 id="readme-title">README</h2>
${readme ? html`<div class="readme">${trusted(readme)}</div>` : html`<p class="muted">No README yet.</p>`}</section>
</div><div>
<section class="card" aria-labelledby="facts-title"><h2 id="facts-title">About</h2><dl class="facts">${facts.filter(([, v]) => v !== null).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl></section>
<section class="card" aria-labelledby="chart-title"><h2 id="chart-title">Installs</h2>${installChart(days)}</section>
<section class="card" aria-labelledby="badge-title"><h2 id="badge-title">Badge</h2>${badges(base, pkg)}</section>
</div></div>`;
  return layout({
    title: `${pkg.display_name} · Unity package`,
    description: description.slice(0, 300),
    canonical: `${base}${pkgPath(pkg.slug)}`,
    image: `${base}/card/${encodeURIComponent(pkg.slug)}.png`,
    indexable: true,
  }, body);
}

/** The page of a public package, or null when there is none to show (unknown or private alike). */
export async function loadPackagePage(db: Db, base: string, slug: string, now = new Date()): Promise<string | null> {
  const pkg = await findPublicPackageWithReadme(db, slug);
  if (!pkg) return null;
  const dates = daysOf(daysEndingToday(CHART_DAYS, now));
  const [perDay, readme] = await Promise.all([
    dailyInstalls(db, pkg.id, dates[0] as string, dates[dates.length - 1] as string),
    // The worker's rendering; a README stored before it rendered one is rendered here.
    pkg.readme_html !== null ? Promise.resolve(pkg.readme_html) : pkg.readme ? renderReadme(pkg.readme, pkg) : Promise.resolve(null),
  ]);
  return packagePage(base, pkg, readme, dates.map((day) => ({ day, installs: perDay.get(day) ?? 0 })));
}
