import type { GitPlatform } from '../lib/git-url';
import type { Db } from './knex';

export const PACKAGE_KINDS = ['upm', 'nuget'] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];

export interface PackageRow {
  id: number;
  /** The stable string id clients know a package by (bookmarks, collections): a UUID. */
  public_id: string;
  user_id: number;
  slug: string;
  display_name: string;
  description: string | null;
  git_platform: GitPlatform;
  git_owner: string;
  git_repo: string;
  git_path: string | null;
  git_ref: string | null;
  is_private: boolean;
  /** 'upm': installed through the git proxy; 'nuget': also from the NuGet flat container, as nuget_id. */
  kind: PackageKind;
  nuget_id: string | null;
  total_installs: number;
  unique_ips: number;
  created_at: Date;
  updated_at: Date;
  /** From the package's own package.json (the metadata worker); null until read. */
  package_json_name: string | null;
  version: string | null;
  unity_version: string | null;
  /** package.json keywords, or the owner's own. */
  topics: string[];
  /** null when unknown: never invented. */
  github_stars: number | null;
  /** Shown in the public directory (a public package may be left out of it). */
  is_listed: boolean;
  /** The fields the owner set by hand, which the metadata worker leaves alone. */
  metadata_overrides: string[];
}

/** Every column a package object shows: not the README (large, read only by the package page) nor the search vector. */
export const PACKAGE_COLUMNS = [
  'id', 'public_id', 'user_id', 'slug', 'display_name', 'description', 'git_platform', 'git_owner', 'git_repo', 'git_path', 'git_ref',
  'is_private', 'kind', 'nuget_id', 'total_installs', 'unique_ips', 'created_at', 'updated_at',
  'package_json_name', 'version', 'unity_version', 'topics', 'github_stars', 'is_listed', 'metadata_overrides',
] as const;

export type PackageFields = Pick<PackageRow, 'slug' | 'display_name' | 'description' | 'git_platform' | 'git_owner' | 'git_repo' | 'git_path' | 'git_ref' | 'is_private'> & Partial<Pick<PackageRow, 'kind' | 'nuget_id' | 'topics' | 'is_listed' | 'metadata_overrides'>>;

export const PACKAGE_SLUG_CONSTRAINT = 'packages_slug_unique';
export const PACKAGE_NUGET_ID_CONSTRAINT = 'packages_nuget_id_unique';

export async function insertPackage(db: Db, userId: number, fields: PackageFields): Promise<PackageRow> {
  const [row] = await db('packages').insert({ ...fields, user_id: userId }).returning(PACKAGE_COLUMNS);
  return row as PackageRow;
}

/** Tenancy: a package is only ever found together with its owner. */
export async function findUserPackage(db: Db, userId: number, slug: string): Promise<PackageRow | undefined> {
  return db<PackageRow>('packages').where({ user_id: userId, slug }).first(PACKAGE_COLUMNS);
}

export async function listUserPackages(db: Db, userId: number, page: { limit: number; offset: number }): Promise<{ packages: PackageRow[]; total: number }> {
  const [packages, counted] = await Promise.all([
    db<PackageRow>('packages').select([...PACKAGE_COLUMNS]).where({ user_id: userId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(page.limit).offset(page.offset),
    db('packages').where({ user_id: userId }).count<Array<{ n: string | number }>>({ n: '*' }),
  ]);
  return { packages, total: Number(counted[0]?.n ?? 0) };
}

export async function updateUserPackage(db: Db, userId: number, slug: string, fields: Partial<PackageFields>): Promise<PackageRow | undefined> {
  const [row] = await db('packages').where({ user_id: userId, slug }).update({ ...fields, updated_at: db.fn.now() }).returning(PACKAGE_COLUMNS);
  return row as PackageRow | undefined;
}

export async function deleteUserPackage(db: Db, userId: number, slug: string): Promise<boolean> {
  return (await db('packages').where({ user_id: userId, slug }).delete()) > 0;
}

/** What the git proxy needs to route a request: the upstream and the owner's settings. */
export type ProxiedPackage = Pick<PackageRow, 'id' | 'user_id' | 'slug' | 'git_platform' | 'git_owner' | 'git_repo' | 'git_path' | 'is_private'>;

export async function findPackageBySlug(db: Db, slug: string): Promise<ProxiedPackage | undefined> {
  return db<PackageRow>('packages').select('id', 'user_id', 'slug', 'git_platform', 'git_owner', 'git_repo', 'git_path', 'is_private').where({ slug }).first();
}

/** What the NuGet proxy needs: the package registered under a NuGet id (ids compare case-insensitively). */
export type NuGetPackage = Pick<PackageRow, 'id' | 'slug' | 'nuget_id'>;

export async function findPackageByNuGetId(db: Db, nugetId: string): Promise<NuGetPackage | undefined> {
  return db<PackageRow>('packages').select('id', 'slug', 'nuget_id').whereRaw('lower(nuget_id) = ?', [nugetId.toLowerCase()]).first();
}
