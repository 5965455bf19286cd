import { z } from 'zod';
import { listBookmarkedPackages, toggleBookmark } from '../db/bookmark-store';
import { findPublicPackageId } from '../db/directory-store';
import { singleLine } from '../lib/schemas';
import { listQuery } from './packages.schema';
import { packagePage, presentPackagePage } from './directory.schema';
import { ApiError } from './errors';
import type { ApiRouter } from './route';

const PACKAGE_ID_MESSAGE = 'PackageId must be a package id (as package objects show it) or a package slug';

const toggleBody = z.object({
  packageId: singleLine('PackageId', PACKAGE_ID_MESSAGE).trim().toLowerCase().regex(/^[a-z0-9_-]{1,64}$/, PACKAGE_ID_MESSAGE),
});

const toggled = z.object({ success: z.literal(true), bookmarked: z.boolean() });

/**
 * The pkglnk editor client's bookmarks: its token is scoped packages:read packages:write, so
 * reading needs packages:read and the toggle packages:write. Only a package anyone may see can
 * be bookmarked; someone else's private package is a 404, as an unknown one.
 */
export function registerBookmarkRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/bookmarks',
    tag: 'Bookmarks',
    summary: 'Your bookmarked packages, newest bookmark first (in the directory\'s shape)',
    auth: 'packages:read',
    query: listQuery,
    responses: { 200: { description: 'Bookmarked packages', schema: packagePage } },
    handler: async ({ query, auth, res, services }) => {
      const offset = query.offset ?? 0;
      const { rows, total } = await listBookmarkedPackages(services.db, auth.user.id, { limit: query.limit ?? 100, offset });
      res.json(presentPackagePage(rows, total, offset, services.config.publicBaseUrl));
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/bookmarks',
    tag: 'Bookmarks',
    summary: 'Bookmark a public package (by id or slug), or remove the bookmark when there is one: {"packageId"}',
    auth: 'packages:write',
    body: toggleBody,
    bodyLimit: '4kb',
    responses: {
      200: { description: 'Whether the package is bookmarked now', schema: toggled },
      404: { description: 'No such public package' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ body, auth, res, services }) => {
      const packageId = await findPublicPackageId(services.db, body.packageId);
      if (packageId === undefined) throw new ApiError(404, 'Package not found');
      res.json({ success: true, bookmarked: await toggleBookmark(services.db, auth.user.id, packageId) });
    },
  });
}
