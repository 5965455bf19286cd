import { z } from 'zod';
import type { PackageRow } from '../db/package-store';
import type { PublicCollection } from '../db/directory-store';
import { COLLECTION_SLUG_PATTERN } from '../lib/collection-slugs';
import { DIRECTORY_DEFAULT_LIMIT, directoryQuery, words } from '../lib/directory-query';
import { queryInt, singleLine } from '../lib/schemas';
import { packageListItem, presentPackageItem } from './packages.schema';

/** The public side's shapes, as the pkglnk editor client reads them (PackageData, DirectoryResponse, CollectionData). */

export const COLLECTIONS_DEFAULT_LIMIT = 20;

export { DIRECTORY_DEFAULT_LIMIT, directoryQuery };

export const collectionsQuery = z.object({
  offset: queryInt(0, 1_000_000).optional(),
  limit: queryInt(1, 100).optional().describe(`Collections per page (default ${COLLECTIONS_DEFAULT_LIMIT}, at most 100)`),
  q: words('Q').optional().describe('Text in the name or description'),
  tag: singleLine('Tag').trim().max(50, 'Tag is too long (maximum is 50 characters)').optional().describe('Only collections with this tag'),
});

export const publicCollectionParams = z.object({ slug: singleLine().regex(COLLECTION_SLUG_PATTERN) });

export const availabilityQuery = z.object({
  slug: singleLine('Slug').trim().toLowerCase().min(1, "Slug can't be blank").max(100, 'Slug is too long (maximum is 100 characters)'),
  type: z.enum(['collection', 'package'], { error: 'Type must be collection or package' }),
});

export const installCounts = z.record(z.string(), z.number().int()).describe('Total installs by package id');

/** A page of packages: the seed's `packages` and `total`, and the client's `hasMore`, `totalCount` and `installCounts`. */
export const packagePage = z.object({
  packages: z.array(packageListItem),
  total: z.number().int(),
  totalCount: z.number().int().describe('The same as total: how many match in all. On /api/directory a total of 1,000 or more may be up to 30 s old (counting is cached); hasMore is always exact'),
  hasMore: z.boolean().describe('Whether another page follows'),
  installCounts,
}).meta({ id: 'PackagePage' });

export function presentPackagePage(rows: PackageRow[], total: number, offset: number, publicBaseUrl: string, hasMore = offset + rows.length < total): z.infer<typeof packagePage> {
  return {
    packages: rows.map((row) => presentPackageItem(row, publicBaseUrl)),
    total,
    totalCount: total,
    hasMore,
    installCounts: Object.fromEntries(rows.map((row) => [row.public_id, row.total_installs])),
  };
}

/** CollectionData: ids are strings to the client. */
export const publicCollection = z.object({
  id: z.string(),
  user_id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  package_count: z.number().int().describe('Public packages only'),
  owner_username: z.string(),
  owner_avatar_url: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: 'PublicCollection' });

export function presentPublicCollection(row: PublicCollection): z.infer<typeof publicCollection> {
  return {
    id: String(row.id),
    user_id: String(row.user_id),
    slug: row.slug,
    name: row.name,
    description: row.description,
    tags: row.tags,
    package_count: row.package_count,
    owner_username: row.owner_username,
    owner_avatar_url: row.owner_avatar_url,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export const collectionsPage = z.object({ collections: z.array(publicCollection), totalCount: z.number().int() });
export const collectionDetail = z.object({ collection: publicCollection, packages: z.array(packageListItem) });
export const availability = z.object({ available: z.boolean() });
