import { slugProblem } from '../lib/collection-slugs';
import { slugError } from '../domain/packages';
import { getPublicCollection, listPublicCollections, slugAvailable } from '../db/directory-store';
import { searchDirectory } from '../domain/directory-search';
import {
  availability, availabilityQuery, collectionDetail, collectionsPage, collectionsQuery, COLLECTIONS_DEFAULT_LIMIT, DIRECTORY_DEFAULT_LIMIT,
  directoryQuery, packagePage, presentPackagePage, presentPublicCollection, publicCollectionParams,
} from './directory.schema';
import { presentPackageItem } from './packages.schema';
import { ADDRESS_LIMITED, consumeAddressRequest } from './address-limit';
import { ApiError } from './errors';
import type { ApiRouter, RouteContext } from './route';

/** Counts the request against its address's allowance of public reads (one allowance for all of them). */
function countPublicRead({ req, res, services }: Pick<RouteContext<unknown, unknown, unknown, undefined>, 'req' | 'res' | 'services'>): Promise<void> {
  return consumeAddressRequest(services, req, res, 'public-api', services.config.publicLimits.apiPerMinute);
}

/**
 * pkglnk's public side (no auth): the package directory, public collections and slug
 * availability, as the pkglnk Unity editor client calls them. Nothing private is shown: the
 * store's queries filter it, and a private slug is only ever "not available".
 */
export function registerDirectoryRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/directory',
    tag: 'Directory',
    summary: 'The public package directory: search, topic, paging (pkglnk client; no auth)',
    auth: 'public',
    query: directoryQuery,
    responses: { 200: { description: 'One page of public, listed packages', schema: packagePage }, 400: { description: 'Bad query parameters' }, 429: ADDRESS_LIMITED },
    handler: async ({ query, req, res, services }) => {
      await countPublicRead({ req, res, services });
      const limit = query.limit ?? DIRECTORY_DEFAULT_LIMIT;
      const offset = ((query.page ?? 1) - 1) * limit;
      const { rows, total, hasMore } = await searchDirectory(services, { search: query.q, topic: query.topic, sort: query.sort, limit, offset });
      res.json(presentPackagePage(rows, total, offset, services.config.publicBaseUrl, hasMore));
    },
  });

  api.add({
    method: 'get',
    path: '/api/collections',
    tag: 'Directory',
    summary: 'Public collections, most recently changed first (pkglnk client; no auth)',
    auth: 'public',
    query: collectionsQuery,
    responses: { 200: { description: 'One page of public collections', schema: collectionsPage }, 400: { description: 'Bad query parameters' }, 429: ADDRESS_LIMITED },
    handler: async ({ query, req, res, services }) => {
      await countPublicRead({ req, res, services });
      const { rows, total } = await listPublicCollections(services.db, {
        search: query.q, tag: query.tag, limit: query.limit ?? COLLECTIONS_DEFAULT_LIMIT, offset: query.offset ?? 0,
      });
      res.json({ collections: rows.map(presentPublicCollection), totalCount: total });
    },
  });

  api.add({
    method: 'get',
    path: '/api/collections/:slug',
    tag: 'Directory',
    summary: 'One public collection and its public packages (pkglnk client; no auth)',
    auth: 'public',
    params: publicCollectionParams,
    responses: { 200: { description: 'The collection', schema: collectionDetail }, 404: { description: 'No such public collection' }, 429: ADDRESS_LIMITED },
    handler: async ({ params, req, res, services }) => {
      await countPublicRead({ req, res, services });
      const found = await getPublicCollection(services.db, params.slug);
      if (!found) throw new ApiError(404, 'Collection not found');
      res.json({ collection: presentPublicCollection(found.collection), packages: found.packages.map((p) => presentPackageItem(p, services.config.publicBaseUrl)) });
    },
  });

  api.add({
    method: 'get',
    path: '/api/check-availability',
    tag: 'Directory',
    summary: 'Whether a collection or package slug is free (taken by anyone, private or not: not available)',
    auth: 'public',
    query: availabilityQuery,
    responses: { 200: { description: 'Availability', schema: availability }, 400: { description: 'Bad query parameters' }, 429: ADDRESS_LIMITED },
    handler: async ({ query, req, res, services }) => {
      await countPublicRead({ req, res, services });
      // A slug that could never be created is not available either.
      const unusable = query.type === 'package' ? slugError(query.slug) : slugProblem(query.slug);
      const available = !unusable && (await slugAvailable(services.db, query.type === 'package' ? 'packages' : 'collections', query.slug));
      res.json({ available });
    },
  });
}
