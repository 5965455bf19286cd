import { z } from 'zod';
import { PACKAGE_KINDS, type PackageRow } from '../db/package-store';
import { GIT_PLATFORMS, installUrl } from '../lib/git-url';
import { NUGET_ID, slugError } from '../domain/packages';
import { multiLine, queryInt, singleLine } from '../lib/schemas';

const slug = singleLine('Slug', { error: 'Slug must be a string' })
  .trim()
  .toLowerCase()
  .superRefine((value, ctx) => {
    const problem = slugError(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const text = (field: string, max: number, lines: typeof singleLine = singleLine) =>
  lines(field, { error: `${field} must be a string` }).max(max, `${field} is too long (maximum is ${max} characters)`);

/** Every writable field; create and update differ only in what they require (decided in the handler). */
export const packageBody = z.object({
  slug: slug.optional(),
  display_name: text('Display name', 255).trim().min(1, "Display name can't be blank").optional(),
  description: text('Description', 2000, multiLine).trim().nullable().optional(),
  is_private: z.boolean({ error: 'Is private must be true or false' }).optional(),
  git_url: text('Git url', 2048).optional(),
  git_platform: z.enum(GIT_PLATFORMS, { error: 'Git platform must be github, gitlab or bitbucket' }).optional(),
  git_owner: text('Git owner', 255).optional(),
  git_repo: text('Git repo', 255).optional(),
  git_path: text('Git path', 255).nullable().optional(),
  git_ref: text('Git ref', 255).nullable().optional(),
  kind: z.enum(PACKAGE_KINDS, { error: 'Kind must be upm or nuget' }).optional(),
  nuget_id: text('NuGet id', 100)
    .trim()
    .regex(NUGET_ID, 'NuGet id must be a NuGet package id such as Newtonsoft.Json (letters, digits, ".", "-", "_")')
    .nullable()
    .optional(),
  topics: z
    .array(text('Each topic', 50).trim().toLowerCase().min(1, "A topic can't be blank"), { error: 'Topics must be an array of strings' })
    .max(20, 'Topics may hold at most 20 topics')
    .transform((list) => [...new Set(list)])
    .optional(),
  is_listed: z.boolean({ error: 'Is listed must be true or false' }).optional(),
});
export type PackageBody = z.infer<typeof packageBody>;

export const slugParams = z.object({ slug: singleLine().regex(/^[A-Za-z0-9_-]{1,64}$/).transform((s) => s.toLowerCase()) });

export const listQuery = z.object({
  limit: queryInt(1, 1000).optional(),
  offset: queryInt(0, 1_000_000_000).optional(),
});

/** GET /packages items: the seed's fields, plus id, kind and the URLs clients use (additive). */
export const packageListItem = z.object({
  id: z.string().describe('Stable string id: accepted as packageId wherever a package is named'),
  slug: z.string(),
  display_name: z.string(),
  git_platform: z.enum(GIT_PLATFORMS),
  git_owner: z.string(),
  git_repo: z.string(),
  git_path: z.string().nullable(),
  git_ref: z.string().nullable(),
  is_private: z.boolean(),
  total_installs: z.number().int(),
  created_at: z.string(),
  install_url: z.string(),
  badge_url: z.string(),
  kind: z.enum(PACKAGE_KINDS),
  nuget_id: z.string().nullable(),
  // The public side's fields (the pkglnk editor client's PackageData), on every package object.
  description: z.string().nullable(),
  updated_at: z.string(),
  package_json_name: z.string().nullable(),
  version: z.string().nullable(),
  unity_version: z.string().nullable(),
  topics: z.array(z.string()),
  github_stars: z.number().int().nullable().describe('null when unknown'),
  is_listed: z.boolean().describe('Shown in the public directory (when not private)'),
  card_image_url: z.string().nullable().describe('The package card (SVG); null for a private package'),
  card_image_png_url: z.string().nullable().describe('The package card (PNG); null for a private package'),
}).meta({ id: 'PackageListItem', description: 'A package as lists show it (yours, the public directory, a collection, your bookmarks)' });

/** GET /packages/:slug: the seed's fields, plus install_url. */
export const packageDetail = packageListItem.extend({
  unique_ips: z.number().int(),
  metadata_overrides: z.array(z.string()).describe('Fields the owner set by hand, which the metadata reader leaves alone'),
}).meta({ id: 'Package', description: 'One of your packages, with its statistics' });

/** A list item is the detail without the owner's statistics and bookkeeping (unique_ips, metadata_overrides); the remaining keys keep the detail's order. */
export function presentPackageItem(row: PackageRow, publicBaseUrl: string): z.infer<typeof packageListItem> {
  const { unique_ips, metadata_overrides, ...item } = presentPackage(row, publicBaseUrl);
  return item;
}

/** The card images a public package shows; a private one shows none. */
function cardUrls(row: PackageRow, publicBaseUrl: string): { card_image_url: string | null; card_image_png_url: string | null } {
  if (row.is_private) return { card_image_url: null, card_image_png_url: null };
  return { card_image_url: `${publicBaseUrl}/card/${row.slug}.svg`, card_image_png_url: `${publicBaseUrl}/card/${row.slug}.png` };
}

export function presentPackage(row: PackageRow, publicBaseUrl: string): z.infer<typeof packageDetail> {
  return {
    id: row.public_id,
    slug: row.slug,
    display_name: row.display_name,
    description: row.description,
    git_platform: row.git_platform,
    git_owner: row.git_owner,
    git_repo: row.git_repo,
    git_path: row.git_path,
    git_ref: row.git_ref,
    is_private: row.is_private,
    total_installs: row.total_installs,
    unique_ips: row.unique_ips,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    install_url: installUrl(publicBaseUrl, row.slug, row),
    badge_url: `${publicBaseUrl}/badge/${row.slug}.svg`,
    kind: row.kind,
    nuget_id: row.nuget_id,
    package_json_name: row.package_json_name,
    version: row.version,
    unity_version: row.unity_version,
    topics: row.topics,
    github_stars: row.github_stars,
    is_listed: row.is_listed,
    ...cardUrls(row, publicBaseUrl),
    metadata_overrides: row.metadata_overrides,
  };
}
