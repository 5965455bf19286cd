import type { GitLocation } from '../lib/git-url';
import type { ManifestMetadata } from '../lib/package-manifest';
import type { Db } from './knex';

/**
 * The metadata worker's reads and writes. A write never touches a field the owner set by hand
 * (named in metadata_overrides): the check is inside the one UPDATE, so an override made while a
 * fetch was running is kept. Writing the same metadata twice changes nothing.
 */

export type MetadataTarget = GitLocation & { id: number; slug: string };

export async function findMetadataTarget(db: Db, packageId: number): Promise<MetadataTarget | undefined> {
  return db('packages').select('id', 'slug', 'git_platform', 'git_owner', 'git_repo', 'git_path', 'git_ref').where({ id: packageId }).first();
}

export interface FetchedMetadata {
  manifest: ManifestMetadata;
  readme: string | null;
  /** The README rendered and sanitised (lib/readme-html.ts); follows the `readme` override. */
  readmeHtml: string | null;
  /** number or null: what GitHub said; undefined: GitHub could not be asked, the stored value stays. */
  githubStars: number | null | undefined;
}

/** Fields written only when the manifest has them (a package keeps the name and description it was created with). */
const WHEN_PRESENT = ['display_name', 'description'] as const;
/** Fields that are exactly what the upstream says, null included. */
const ALWAYS = ['package_json_name', 'version', 'unity_version', 'readme'] as const;

export async function recordMetadata(db: Db, packageId: number, fetched: FetchedMetadata): Promise<void> {
  const sets: string[] = [];
  const bindings: Array<string | number | string[] | null> = [];
  const keepOverride = (column: string, value: string | number | string[] | null, cast = '') => {
    sets.push(`${column} = CASE WHEN '${column}' = ANY(metadata_overrides) THEN ${column} ELSE ?${cast} END`);
    bindings.push(value);
  };
  for (const column of WHEN_PRESENT) {
    const value = fetched.manifest[column];
    if (value !== null) keepOverride(column, value);
  }
  for (const column of ALWAYS) keepOverride(column, column === 'readme' ? fetched.readme : fetched.manifest[column]);
  sets.push(`readme_html = CASE WHEN 'readme' = ANY(metadata_overrides) THEN readme_html ELSE ? END`);
  bindings.push(fetched.readmeHtml);
  keepOverride('topics', fetched.manifest.topics, '::text[]');
  if (fetched.githubStars !== undefined) keepOverride('github_stars', fetched.githubStars, '::int');
  await db.raw(`UPDATE packages SET ${sets.join(', ')}, metadata_fetched_at = now(), metadata_error = NULL WHERE id = ?`, [...bindings, packageId]);
}

/** A failed fetch: the metadata already stored stays; the error says why this one failed. */
export async function recordMetadataError(db: Db, packageId: number, error: string, githubStars: number | null | undefined): Promise<void> {
  await db('packages')
    .where({ id: packageId })
    .update({
      metadata_error: error.slice(0, 500),
      metadata_fetched_at: db.fn.now(),
      ...(githubStars === undefined ? {} : { github_stars: db.raw(`CASE WHEN 'github_stars' = ANY(metadata_overrides) THEN github_stars ELSE ?::int END`, [githubStars]) }),
    });
}

/**
 * Packages whose metadata is oldest: never fetched first, then by the last attempt. A failing
 * package is tried again only once the others have had their turn.
 */
export async function stalePackageIds(db: Db, olderThan: Date, limit: number): Promise<number[]> {
  const rows: Array<{ id: number }> = await db('packages')
    .select('id')
    .where((q) => q.whereNull('metadata_fetched_at').orWhere('metadata_fetched_at', '<', olderThan))
    .orderByRaw('metadata_fetched_at ASC NULLS FIRST, id ASC')
    .limit(limit);
  return rows.map((r) => r.id);
}
