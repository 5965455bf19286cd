import { z } from 'zod';
import { slugProblem } from '../lib/collection-slugs';
import type { CollectionWithCounts, MemberPackage } from '../db/collection-store';
import { packageDetail } from './packages.schema';
import { multiLine, queryInt, singleLine } from '../lib/schemas';
import { paginationObject } from '../domain/links.schema';

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 2000;
export const TAGS_MAX = 20;
export const TAG_MAX = 50;

/** Messages are whole sentences, so formatIssues keeps them as written. */
function text(field: string, max: number, lines: typeof singleLine = singleLine) {
  return lines(field, { error: (issue) => (issue.input === undefined ? `${field} can't be blank` : `${field} must be a string`) })
    .trim()
    .max(max, `${field} is too long (maximum is ${max} characters)`);
}

const name = text('Name', NAME_MAX).min(1, "Name can't be blank");

const slug = singleLine('Slug', { error: 'Slug must be a string' })
  .trim()
  .superRefine((value, ctx) => {
    const problem = slugProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const description = text('Description', DESCRIPTION_MAX, multiLine).nullable();

/** Tags are trimmed and de-duplicated, keeping the order given. */
const tags = z
  .array(text('Each tag', TAG_MAX).min(1, "A tag can't be blank"), { error: 'Tags must be an array of strings' })
  .max(TAGS_MAX, `Tags may hold at most ${TAGS_MAX} tags`)
  .transform((list) => [...new Set(list)]);

const isPublic = z.boolean({ error: 'Is public must be true or false' });

export const createCollectionBody = z
  .object({ name, slug: slug.optional(), description: description.optional(), tags: tags.optional(), is_public: isPublic.optional() })
  .strict();

export const updateCollectionBody = z
  .object({ name: name.optional(), slug: slug.optional(), description: description.optional(), tags: tags.optional(), is_public: isPublic.optional() })
  .strict()
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'Send at least one of name, slug, description, tags, is_public');

/** A package's slug, or its numeric id; every way to miss gets the same one sentence. */
const PACKAGE_REF_MESSAGE = 'PackageId must be a package slug or a positive integer id';
export const packageRef = z.union(
  [
    z.number().int(PACKAGE_REF_MESSAGE).positive(PACKAGE_REF_MESSAGE).max(Number.MAX_SAFE_INTEGER, PACKAGE_REF_MESSAGE),
    singleLine('PackageId', PACKAGE_REF_MESSAGE).trim().min(1, PACKAGE_REF_MESSAGE).max(255, PACKAGE_REF_MESSAGE),
  ],
  { error: (issue) => (issue.input === undefined ? "PackageId can't be blank" : PACKAGE_REF_MESSAGE) },
);

export const packageMembershipBody = z.object({ packageId: packageRef }).strict();

export const collectionParams = z.object({ slug: singleLine().describe('The collection slug, or its integer id') });
export const membershipParams = collectionParams.extend({ packageId: singleLine().describe('The package slug, or its integer id') });

export const listQuery = z.object({
  page: queryInt(1, 1_000_000).optional().describe('Page number (default 1)'),
  per_page: queryInt(1, 100).optional().describe('Results per page (default 50, max 100)'),
});

const collectionFields = {
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  link_count: z.number().int(),
  package_count: z.number().int(),
  is_public: z.boolean().describe('Shown on the public side (GET /api/collections)'),
  created_at: z.string(),
  updated_at: z.string(),
};

export const collectionSummary = z.object(collectionFields).meta({ id: 'Collection' });

/** The package endpoints' field schemas, so a member is documented exactly as the package itself. */
const pkg = packageDetail.shape;

/**
 * A member package: the package's own fields plus when it joined. git_platform has always been
 * documented here as a plain string; kept so the OpenAPI document does not change.
 */
export const memberPackage = z.object({
  id: z.number().int(), slug: pkg.slug, display_name: pkg.display_name, description: pkg.description, git_platform: z.string(),
  git_owner: pkg.git_owner, git_repo: pkg.git_repo, git_path: pkg.git_path, git_ref: pkg.git_ref,
  is_private: pkg.is_private, total_installs: pkg.total_installs, created_at: pkg.created_at, added_at: z.string(),
}).meta({ id: 'CollectionPackage' });

export const collectionObject = z.object({ ...collectionFields, packages: z.array(memberPackage) });

/** What the pkglnk client reads after a write (CollectionMutationResponse, CollectionSuccessResponse), beside the collection's own fields. */
export const collectionMutation = collectionObject.extend({ success: z.literal(true), collection: collectionSummary })
  .meta({ id: 'CollectionWithPackages', description: 'A collection with its packages; success and collection repeat it for the pkglnk client' });

export const collectionList = z.object({
  collections: z.array(collectionSummary),
  total: z.number().int(),
  totalCount: z.number().int().describe('The same as total (the pkglnk client reads totalCount)'),
  pagination: paginationObject,
});

export const deletedObject = z.object({ deleted: z.literal(true), success: z.literal(true) }).meta({ id: 'Deleted' });

export function presentSummary(row: CollectionWithCounts): z.infer<typeof collectionSummary> {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    tags: row.tags,
    link_count: row.link_count,
    package_count: row.package_count,
    is_public: row.is_public,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function presentCollection(row: CollectionWithCounts, packages: MemberPackage[]): z.infer<typeof collectionObject> {
  return {
    ...presentSummary(row),
    packages: packages.map((p) => ({ ...p, created_at: p.created_at.toISOString(), added_at: p.added_at.toISOString() })),
  };
}
