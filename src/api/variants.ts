import { z } from 'zod';
import type { Authenticated } from '../db/token-store';
import { findUserLink, type LinkRow } from '../db/link-store';
import { countVariants, deleteVariant, insertVariant, listVariants, updateVariant } from '../db/variant-store';
import { publishLinkInvalidation } from '../queues/link-invalidation';
import { isForeignKeyViolation } from '../db/pg-errors';
import { RULE_VARIANT_FK } from '../db/link-rule-store';
import { linkCacheKey } from '../lib/hostnames';
import type { Services } from '../services';
import { ApiError } from './errors';
import { successMessage } from './envelopes.schema';
import { requireFeature } from '../domain/feature-gate';
import type { ApiRouter } from './route';
import { idParam } from '../lib/schemas';
import { createVariantBody, MAX_VARIANTS_PER_LINK, presentVariants, updateVariantBody, variantObject } from './variants.schema';

/**
 * A/B destination variants of a link (PVTLNK "A/B Testing (Variants) API"). Pro and enterprise
 * only. Every change is announced to the web processes' link caches (below); without that the
 * redirector still sees it within the cache's freshness (1 s).
 */

const linkParams = z.object({ link_id: idParam });
const variantParams = z.object({ link_id: idParam, variant_id: idParam });

/** The caller's link, after the plan gate; another user's link is a 404, like a missing one. */
async function ownedLink(services: Services, auth: Authenticated, linkId: number): Promise<LinkRow> {
  requireFeature(auth.user.plan, 'variants');
  const link = await findUserLink(services.db, auth.user.id, linkId);
  if (!link) throw new ApiError(404, 'Link not found');
  return link;
}

/** Every web process drops the link from its cache, so the redirector serves the change at once. */
function announceChange(services: Services, link: LinkRow): Promise<void> {
  return publishLinkInvalidation(services, [linkCacheKey(link.domain_id, link.short_code)]);
}

/** One variant presented with its share of the link's clicks, which depends on its siblings. */
async function presentOne(services: Services, linkId: number, variantId: number) {
  const variant = presentVariants(await listVariants(services.db, linkId)).find((v) => v.id === variantId);
  if (!variant) throw new ApiError(404, 'Variant not found');
  return variant;
}

const single = z.object({ success: z.literal(true), variant: variantObject }).meta({ id: 'VariantResponse' });

export function registerVariantRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/links/:link_id/variants',
    tag: 'Variants',
    summary: "List a link's A/B variants with their click counts and shares",
    auth: 'links:read',
    params: linkParams,
    responses: {
      200: { description: 'The variants', schema: z.object({ success: z.literal(true), ab_testing_active: z.boolean(), variants: z.array(variantObject) }) },
      403: { description: 'Feature not available on your plan' },
      404: { description: 'No such link' },
    },
    handler: async ({ params, auth, res, services }) => {
      const link = await ownedLink(services, auth, params.link_id);
      const variants = presentVariants(await listVariants(services.db, link.id));
      res.json({ success: true, ab_testing_active: variants.some((v) => v.active), variants });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/links/:link_id/variants',
    tag: 'Variants',
    summary: 'Add an A/B variant to a link',
    auth: 'links:write',
    params: linkParams,
    body: createVariantBody,
    responses: {
      201: { description: 'Created', schema: single },
      403: { description: 'Feature not available on your plan' },
      404: { description: 'No such link' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ params, body, auth, res, services }) => {
      const link = await ownedLink(services, auth, params.link_id);
      if ((await countVariants(services.db, link.id)) >= MAX_VARIANTS_PER_LINK) {
        throw ApiError.validation([`Link can have at most ${MAX_VARIANTS_PER_LINK} variants`]);
      }
      const row = await insertVariant(services.db, link.id, body.variant);
      await announceChange(services, link);
      res.status(201).json({ success: true, variant: await presentOne(services, link.id, row.id) });
    },
  });

  api.add({
    method: 'patch',
    path: '/api/v1/links/:link_id/variants/:variant_id',
    tag: 'Variants',
    summary: 'Change a variant (name, destination, weight, active)',
    auth: 'links:write',
    params: variantParams,
    body: updateVariantBody,
    responses: {
      200: { description: 'Updated', schema: single },
      403: { description: 'Feature not available on your plan' },
      404: { description: 'No such link or variant' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ params, body, auth, res, services }) => {
      const link = await ownedLink(services, auth, params.link_id);
      const row = await updateVariant(services.db, link.id, params.variant_id, body.variant);
      if (!row) throw new ApiError(404, 'Variant not found');
      await announceChange(services, link);
      res.json({ success: true, variant: await presentOne(services, link.id, row.id) });
    },
  });

  api.add({
    method: 'delete',
    path: '/api/v1/links/:link_id/variants/:variant_id',
    tag: 'Variants',
    summary: 'Delete a variant',
    auth: 'links:write',
    params: variantParams,
    responses: {
      200: { description: 'Deleted', schema: successMessage },
      403: { description: 'Feature not available on your plan' },
      404: { description: 'No such link or variant' },
      409: { description: "The variant is in a targeting rule's variant set" },
    },
    handler: async ({ params, auth, res, services }) => {
      const link = await ownedLink(services, auth, params.link_id);
      // Refused rather than silently shrinking a rule's set (which could leave it empty): the owner edits the rules first.
      const deleted = await deleteVariant(services.db, link.id, params.variant_id).catch((err: unknown) => {
        if (isForeignKeyViolation(err, RULE_VARIANT_FK)) throw new ApiError(409, "Variant is in a targeting rule's variant set: take it out of the rules first");
        throw err;
      });
      if (!deleted) throw new ApiError(404, 'Variant not found');
      await announceChange(services, link);
      res.json({ success: true, message: 'Variant deleted successfully' });
    },
  });
}
