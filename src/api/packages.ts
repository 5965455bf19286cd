import { deleteUserPackage, findUserPackage, listUserPackages, type PackageFields, type PackageRow } from '../db/package-store';
import { resolveLocation, type GitLocation } from '../lib/git-url';
import { createPackage, packageKind, slugError, slugFromRepo, updatePackage } from '../domain/packages';
import { queueMetadataRefresh } from '../domain/package-metadata';
import { ApiError } from './errors';
import { listQuery, packageBody, packageDetail, presentPackage, slugParams, type PackageBody } from './packages.schema';
import { packagePage, presentPackagePage } from './directory.schema';
import type { ApiRouter } from './route';

const LOCATION_KEYS = ['git_url', 'git_platform', 'git_owner', 'git_repo', 'git_path', 'git_ref'] as const;

function locationOf(body: PackageBody, current?: GitLocation): GitLocation {
  const resolved = resolveLocation(body, current);
  if (!resolved.ok) throw ApiError.validation(resolved.errors);
  return resolved.value;
}

/** The fields the metadata reader fills from package.json; one the owner sets is theirs from then on. */
const OVERRIDABLE = ['display_name', 'description', 'topics'] as const;

function overridesOf(body: PackageBody, current: readonly string[] = []): string[] {
  return [...new Set([...current, ...OVERRIDABLE.filter((key) => body[key] !== undefined)])];
}

function currentLocation(row: PackageRow): GitLocation {
  return { git_platform: row.git_platform, git_owner: row.git_owner, git_repo: row.git_repo, git_path: row.git_path, git_ref: row.git_ref };
}

export function registerPackageRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/packages',
    tag: 'Packages',
    summary: 'List your packages (newest first)',
    auth: 'packages:read',
    query: listQuery,
    responses: { 200: { description: 'Your packages (hasMore, totalCount and installCounts as the public directory answers)', schema: packagePage } },
    handler: async ({ query, auth, res, services }) => {
      const offset = query.offset ?? 0;
      const { packages, total } = await listUserPackages(services.db, auth.user.id, { limit: query.limit ?? 100, offset });
      res.json(presentPackagePage(packages, total, offset, services.config.publicBaseUrl));
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/packages/:slug',
    tag: 'Packages',
    summary: 'Get one package',
    auth: 'packages:read',
    params: slugParams,
    responses: { 200: { description: 'The package', schema: packageDetail }, 404: { description: 'No such package' } },
    handler: async ({ params, auth, res, services }) => {
      const row = await findUserPackage(services.db, auth.user.id, params.slug);
      if (!row) throw new ApiError(404, 'Package not found');
      res.json(presentPackage(row, services.config.publicBaseUrl));
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/packages',
    tag: 'Packages',
    summary: 'Create a package from a git URL (…repo.git?path=…#ref) or from git_platform, git_owner, git_repo, git_path, git_ref',
    auth: 'packages:write',
    body: packageBody,
    responses: {
      201: { description: 'Created', schema: packageDetail },
      409: { description: 'Slug already taken' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ body, auth, res, services }) => {
      const location = locationOf(body);
      const slug = body.slug ?? slugFromRepo(location.git_repo);
      const problem = slugError(slug);
      if (problem) throw ApiError.validation([body.slug === undefined ? `${problem}: give a slug (the one derived from the repository name, "${slug}", cannot be used)` : problem]);
      const kind = packageKind(body);
      if (!kind.ok) throw ApiError.validation([kind.error]);
      const fields: PackageFields = {
        ...location,
        kind: kind.kind,
        nuget_id: kind.nuget_id,
        slug,
        display_name: body.display_name ?? location.git_repo,
        description: body.description ?? null,
        is_private: body.is_private ?? false,
        topics: body.topics ?? [],
        is_listed: body.is_listed ?? true,
        metadata_overrides: overridesOf(body),
      };
      const row = await createPackage(services.db, auth.user.id, fields);
      await queueMetadataRefresh(services, row.id);
      res.status(201).json(presentPackage(row, services.config.publicBaseUrl));
    },
  });

  api.add({
    method: 'patch',
    path: '/api/v1/packages/:slug',
    tag: 'Packages',
    summary: 'Update a package (any field of create; null clears description, git_path, git_ref)',
    auth: 'packages:write',
    params: slugParams,
    body: packageBody,
    responses: {
      200: { description: 'Updated', schema: packageDetail },
      404: { description: 'No such package' },
      409: { description: 'Slug already taken' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ params, body, auth, res, services }) => {
      if (Object.values(body).every((v) => v === undefined)) throw ApiError.validation(['Give at least one field to change']);
      const current = await findUserPackage(services.db, auth.user.id, params.slug);
      if (!current) throw new ApiError(404, 'Package not found');
      const fields: Partial<PackageFields> = {};
      if (LOCATION_KEYS.some((key) => body[key] !== undefined)) Object.assign(fields, locationOf(body, currentLocation(current)));
      if (body.slug !== undefined) fields.slug = body.slug;
      if (body.display_name !== undefined) fields.display_name = body.display_name;
      if (body.description !== undefined) fields.description = body.description;
      if (body.is_private !== undefined) fields.is_private = body.is_private;
      if (body.topics !== undefined) fields.topics = body.topics;
      if (body.is_listed !== undefined) fields.is_listed = body.is_listed;
      if (OVERRIDABLE.some((key) => body[key] !== undefined)) fields.metadata_overrides = overridesOf(body, current.metadata_overrides);
      if (body.kind !== undefined || body.nuget_id !== undefined) {
        const kind = packageKind(body, current);
        if (!kind.ok) throw ApiError.validation([kind.error]);
        fields.kind = kind.kind;
        fields.nuget_id = kind.nuget_id;
      }
      const row = await updatePackage(services.db, auth.user.id, params.slug, fields);
      if (!row) throw new ApiError(404, 'Package not found');
      res.json(presentPackage(row, services.config.publicBaseUrl));
    },
  });

  api.add({
    method: 'delete',
    path: '/api/v1/packages/:slug',
    tag: 'Packages',
    summary: 'Delete a package and its install history',
    auth: 'packages:write',
    params: slugParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such package' } },
    handler: async ({ params, auth, res, services }) => {
      if (!(await deleteUserPackage(services.db, auth.user.id, params.slug))) throw new ApiError(404, 'Package not found');
      res.status(204).end();
    },
  });
}
