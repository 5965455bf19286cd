import type { Response } from 'express';
import { COLLECTION_SLUG_PATTERN } from '../lib/collection-slugs';
import {
  addPackageToCollection, changeCollection, collectionRef, createCollection, removePackageFromCollection, resolveMemberPackage,
} from '../domain/collections';
import { collectionPackages, deleteCollection, findUserCollection, listUserCollections, type CollectionWithCounts } from '../db/collection-store';
import type { Db } from '../db/knex';
import type { Scope } from '../lib/tokens';
import {
  collectionList, collectionMutation, collectionParams, createCollectionBody, deletedObject, listQuery, membershipParams,
  packageMembershipBody, presentCollection, presentSummary, updateCollectionBody,
} from './collections.schema';
import { ApiError } from './errors';
import type { ApiRouter } from './route';

/** Collections serve both surfaces, so either side's scope opens them. */
const READ: readonly Scope[] = ['links:read', 'packages:read'];
const WRITE: readonly Scope[] = ['links:write', 'packages:write'];

const PATH = '/api/v1/collections';
const DEFAULT_PER_PAGE = 50;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Finds the user's collection by slug or id; anything else (unknown, another user's, malformed) is a 404. */
async function loadCollection(db: Db, userId: number, segment: string): Promise<CollectionWithCounts> {
  // Refusing junk here keeps it out of queries (PostgreSQL rejects a NUL byte with an error).
  const wellFormed = /^\d+$/.test(segment) || COLLECTION_SLUG_PATTERN.test(segment);
  const found = wellFormed ? await findUserCollection(db, userId, collectionRef(segment)) : undefined;
  if (!found) throw new ApiError(404, 'Collection not found');
  return found;
}

/** The collection's own fields, plus what the pkglnk client reads: success and the collection nested. */
async function sendCollection(db: Db, res: Response, status: number, collection: CollectionWithCounts): Promise<void> {
  res.status(status).json({ ...presentCollection(collection, await collectionPackages(db, collection.id)), success: true, collection: presentSummary(collection) });
}

/** Re-reads after a write, so the answer carries current counts and timestamps. */
async function reload(db: Db, userId: number, id: number): Promise<CollectionWithCounts> {
  const found = await findUserCollection(db, userId, { id });
  if (!found) throw new ApiError(404, 'Collection not found'); // deleted by a concurrent request
  return found;
}

function packageSegment(segment: string): string {
  if (CONTROL_CHARACTERS.test(segment)) throw new ApiError(404, 'Package not found');
  return segment;
}

export function registerCollectionRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: PATH,
    tag: 'Collections',
    summary: 'List your collections, newest first',
    auth: READ,
    query: listQuery,
    responses: { 200: { description: 'One page of collections', schema: collectionList }, 400: { description: 'Bad page or per_page' } },
    handler: async ({ query, auth, res, services }) => {
      const page = query.page ?? 1;
      const perPage = query.per_page ?? DEFAULT_PER_PAGE;
      const { rows, total } = await listUserCollections(services.db, auth.user.id, { limit: perPage, offset: (page - 1) * perPage });
      res.json({
        collections: rows.map(presentSummary),
        total,
        totalCount: total,
        pagination: { page, per_page: perPage, total, total_pages: Math.ceil(total / perPage) },
      });
    },
  });

  api.add({
    method: 'post',
    path: PATH,
    tag: 'Collections',
    summary: 'Create a collection (the slug is generated from the name when not given)',
    auth: WRITE,
    body: createCollectionBody,
    responses: {
      201: { description: 'The new collection', schema: collectionMutation },
      409: { description: 'Slug has already been taken' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ body, auth, res, services }) => {
      const created = await createCollection(services.db, auth.user.id, {
        name: body.name, slug: body.slug, description: body.description ?? null, tags: body.tags ?? [], is_public: body.is_public ?? false,
      });
      await sendCollection(services.db, res, 201, await reload(services.db, auth.user.id, created.id));
    },
  });

  api.add({
    method: 'get',
    path: `${PATH}/:slug`,
    tag: 'Collections',
    summary: 'Get one collection with its packages and link count (by slug or id)',
    auth: READ,
    params: collectionParams,
    responses: { 200: { description: 'The collection', schema: collectionMutation }, 404: { description: 'No such collection' } },
    handler: async ({ params, auth, res, services }) => {
      await sendCollection(services.db, res, 200, await loadCollection(services.db, auth.user.id, params.slug));
    },
  });

  // PATCH, and PUT as the pkglnk client sends it: both change only the fields given.
  for (const method of ['patch', 'put'] as const) {
    api.add({
      method,
      path: `${PATH}/:slug`,
      tag: 'Collections',
      summary: 'Change name, slug, description or tags (a new name does not change the slug)',
      auth: WRITE,
      params: collectionParams,
      body: updateCollectionBody,
      responses: {
        200: { description: 'The changed collection', schema: collectionMutation },
        404: { description: 'No such collection' },
        409: { description: 'Slug has already been taken' },
        422: { description: 'Validation failed' },
      },
      handler: async ({ params, body, auth, res, services }) => {
        const collection = await loadCollection(services.db, auth.user.id, params.slug);
        const changed = await changeCollection(services.db, auth.user.id, collection.id, body);
        if (!changed) throw new ApiError(404, 'Collection not found');
        await sendCollection(services.db, res, 200, await reload(services.db, auth.user.id, collection.id));
      },
    });
  }

  api.add({
    method: 'delete',
    path: `${PATH}/:slug`,
    tag: 'Collections',
    summary: 'Delete a collection (its links stay, outside any collection; its packages stay)',
    auth: WRITE,
    params: collectionParams,
    responses: { 200: { description: 'Deleted', schema: deletedObject }, 404: { description: 'No such collection' } },
    handler: async ({ params, auth, res, services }) => {
      const collection = await loadCollection(services.db, auth.user.id, params.slug);
      if (!(await deleteCollection(services.db, auth.user.id, collection.id))) throw new ApiError(404, 'Collection not found');
      res.json({ deleted: true, success: true });
    },
  });

  api.add({
    method: 'post',
    path: `${PATH}/:slug/packages`,
    tag: 'Collections',
    summary: 'Add one of your packages (by slug or id) or any public package (by its id); a member already is a 409',
    auth: WRITE,
    params: collectionParams,
    body: packageMembershipBody,
    responses: {
      201: { description: 'Added; the collection', schema: collectionMutation },
      404: { description: 'No such collection or package' },
      409: { description: 'Already a member' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ params, body, auth, res, services }) => {
      const collection = await loadCollection(services.db, auth.user.id, params.slug);
      const packageId = await resolveMemberPackage(services.db, auth.user.id, body.packageId);
      await addPackageToCollection(services.db, collection.id, packageId);
      await sendCollection(services.db, res, 201, await reload(services.db, auth.user.id, collection.id));
    },
  });

  const removeResponses = {
    200: { description: 'Removed', schema: deletedObject },
    404: { description: 'No such collection or package, or the package is not a member' },
  };

  api.add({
    method: 'delete',
    path: `${PATH}/:slug/packages/:packageId`,
    tag: 'Collections',
    summary: 'Remove a package (by slug or id) from a collection',
    auth: WRITE,
    params: membershipParams,
    responses: removeResponses,
    handler: async ({ params, auth, res, services }) => {
      const collection = await loadCollection(services.db, auth.user.id, params.slug);
      const packageId = await resolveMemberPackage(services.db, auth.user.id, packageSegment(params.packageId));
      await removePackageFromCollection(services.db, collection.id, packageId);
      res.json({ deleted: true, success: true });
    },
  });

  api.add({
    method: 'delete',
    path: `${PATH}/:slug/packages`,
    tag: 'Collections',
    summary: 'Remove a package named in the body {"packageId": …} from a collection',
    auth: WRITE,
    params: collectionParams,
    body: packageMembershipBody,
    responses: { ...removeResponses, 422: { description: 'Validation failed' } },
    handler: async ({ params, body, auth, res, services }) => {
      const collection = await loadCollection(services.db, auth.user.id, params.slug);
      const packageId = await resolveMemberPackage(services.db, auth.user.id, body.packageId);
      await removePackageFromCollection(services.db, collection.id, packageId);
      res.json({ deleted: true, success: true });
    },
  });
}
