import { z } from 'zod';
import { findUserLink } from '../db/link-store';
import { listLinkRules } from '../db/link-rule-store';
import { replaceUserLinkRules } from '../domain/targeting-rules';
import { requireFeature } from '../domain/feature-gate';
import { ApiError } from './errors';
import type { ApiRouter } from './route';
import { idParam } from '../lib/schemas';
import { presentRule, replaceRulesBody, rulesResponse } from './link-rules.schema';
import type { Services } from '../services';
import type { Authenticated } from '../db/token-store';

/**
 * Targeting rules of a link: the ordered list is read and replaced as a whole (PUT), so its
 * order is exactly what was sent; PUT with [] removes them. Gated like variants (lib/plans.ts).
 * A rule sends to its destination_url, or to a weighted choice among its variant_ids.
 */

const params = z.object({ id: idParam });

async function ownedLink(services: Services, auth: Authenticated, id: number) {
  requireFeature(auth.user.plan, 'targeting');
  const link = await findUserLink(services.db, auth.user.id, id);
  if (!link) throw new ApiError(404, 'Link not found');
  return link;
}

export function registerLinkRuleRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/links/:id/rules',
    tag: 'Targeting rules',
    summary: "A link's targeting rules, in the order they are tried",
    auth: 'links:read',
    params,
    responses: {
      200: { description: 'The rules', schema: rulesResponse },
      403: { description: 'Feature not available on your plan' },
      404: { description: 'No such link' },
    },
    handler: async ({ params: p, auth, res, services }) => {
      const link = await ownedLink(services, auth, p.id);
      res.json({ success: true, rules: (await listLinkRules(services.db, link.id)).map(presentRule) });
    },
  });

  api.add({
    method: 'put',
    path: '/api/v1/links/:id/rules',
    tag: 'Targeting rules',
    summary: "Replace a link's targeting rules (an ordered list; the first match wins, else variants, then destination_url)",
    auth: 'links:write',
    params,
    body: replaceRulesBody,
    responses: {
      200: { description: 'The rules as stored', schema: rulesResponse },
      403: { description: 'Feature not available on your plan' },
      404: { description: 'No such link' },
      422: { description: 'Validation failed (including a variant set naming another link\'s or a missing variant)' },
    },
    handler: async ({ params: p, body, auth, res, services }) => {
      const link = await ownedLink(services, auth, p.id);
      const rows = await replaceUserLinkRules(services, link, body.rules);
      res.json({ success: true, rules: rows.map(presentRule) });
    },
  });
}
