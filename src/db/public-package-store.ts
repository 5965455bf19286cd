import type { GitPlatform } from '../lib/git-url';
import type { Db } from './knex';

/**
 * What the public side (cards, the package page) may show of a package: only a public one, and
 * only these columns — a private package is simply not found, so no caller can leak it.
 * Unlisted packages (is_listed false) are public: kept out of the directory, not hidden.
 */
export interface PublicPackage {
  id: number;
  slug: string;
  display_name: string;
  description: string | null;
  package_json_name: string | null;
  version: string | null;
  unity_version: string | null;
  topics: string[];
  github_stars: number | null;
  total_installs: number;
  git_platform: GitPlatform;
  git_owner: string;
  git_repo: string;
  git_path: string | null;
  git_ref: string | null;
  updated_at: Date;
  metadata_fetched_at: Date | null;
}

const COLUMNS = ['id', 'slug', 'display_name', 'description', 'package_json_name', 'version', 'unity_version', 'topics', 'github_stars', 'total_installs', 'git_platform', 'git_owner', 'git_repo', 'git_path', 'git_ref', 'updated_at', 'metadata_fetched_at'] as const;

export async function findPublicPackage(db: Db, slug: string): Promise<PublicPackage | undefined> {
  return db('packages').select(...COLUMNS).where({ slug, is_private: false }).first();
}

/** The public package and its README, as Markdown and as rendered HTML (the page's read; cards never load the README). */
export async function findPublicPackageWithReadme(db: Db, slug: string): Promise<(PublicPackage & { readme: string | null; readme_html: string | null }) | undefined> {
  return db('packages').select(...COLUMNS, 'readme', 'readme_html').where({ slug, is_private: false }).first();
}
