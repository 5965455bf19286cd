import { z } from 'zod';
import { linkAnalytics, linkWindowTotals } from '../db/link-analytics-store';
import { previousWindow, type Window } from '../db/analytics-store';
import { periodOf, windowFor } from './analytics';
import { period } from './analytics.schema';
import type { Db } from '../db/knex';
import { findUserLink, listUserLinks } from '../db/link-store';
import { archiveUserLink, createUserLink, updateUserLink } from '../domain/links';
import { emitWebhook } from '../domain/webhooks/emit';
import { ApiError } from './errors';
import { successMessage } from './envelopes.schema';
import {
  createLinkBody, linkObject, linkWithAnalytics, listLinksQuery, paginationObject, presentLink, presentRecentClick, updateLinkBody,
} from '../domain/links.schema';
import type { ApiRouter } from './route';
import { idParam } from '../lib/schemas';
import { userDomainNames } from '../db/domain-store';

const DEFAULT_PER_PAGE = 50;
const NOT_FOUND = 'Link not found';
const linkResponse = z.object({ success: z.literal(true), link: linkObject }).meta({ id: 'LinkResponse' });
const idParams = z.object({ id: idParam });

const linkQuery = z.object({
  compare: z.enum(['previous'], 'Compare must be previous').optional()
    .describe('previous: add analytics.comparison, this link over your attribution window beside the window just before it'),
});

const windowTotals = z.object({
  period,
  total_clicks: z.number().int().describe('Counted clicks (bots left out)'),
  bot_clicks: z.number().int().describe('Clicks judged to be bots, which total_clicks leaves out'),
}).meta({ id: 'LinkWindowTotals' });
const comparison = z.object({ current: windowTotals, previous: windowTotals })
  .describe('With compare=previous: the attribution window and the window of as many days just before it');

async function compareWindows(db: Db, linkId: number, days: number | undefined) {
  const totals = async (window: Window) => {
    const { clicks, bots } = await linkWindowTotals(db, linkId, window);
    return { period: periodOf(window), total_clicks: clicks, bot_clicks: bots };
  };
  const current = windowFor(days);
  const [now, before] = await Promise.all([totals(current), totals(previousWindow(current))]);
  return { current: now, previous: before };
}

export function registerLinkRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/links',
    tag: 'Links',
    summary: 'List links, newest first',
    auth: 'links:read',
    query: listLinksQuery,
    responses: {
      200: { description: 'One page of links', schema: z.object({ success: z.literal(true), links: z.array(linkObject), pagination: paginationObject }) },
      400: { description: 'Invalid query parameters' },
    },
    handler: async ({ query, auth, res, services }) => {
      const page = query.page ?? 1;
      const perPage = query.per_page ?? DEFAULT_PER_PAGE;
      const filters = {
        active: query.active, archived: query.archived, scheduled: query.scheduled, collectionId: query.collection_id,
        search: query.q?.trim() || undefined, tag: query.tag?.trim() || undefined, expired: query.expired, sort: query.sort, order: query.order,
      };
      const [{ links, total }, domains] = await Promise.all([listUserLinks(services.db, auth.user.id, filters, page, perPage), userDomainNames(services.db, auth.user.id)]);
      res.json({
        success: true,
        links: links.map((link) => presentLink(link, services.config.publicBaseUrl, domains)),
        pagination: { page, per_page: perPage, total, total_pages: Math.ceil(total / perPage) },
      });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/links',
    tag: 'Links',
    summary: 'Create a short link (password at the top level, beside link)',
    auth: 'links:write',
    body: createLinkBody,
    responses: {
      201: { description: 'Created', schema: linkResponse },
      403: { description: 'Scheduling is not available on your plan' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ body, auth, res, services }) => {
      const link = await createUserLink(services, auth.user, body.link, body.password);
      const presented = presentLink(link, services.config.publicBaseUrl, await userDomainNames(services.db, auth.user.id));
      await emitWebhook(services, auth.user.id, 'link.created', { link: presented });
      res.status(201).json({ success: true, link: presented });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/links/:id',
    tag: 'Links',
    summary: 'Get one link with its click analytics',
    auth: 'links:read',
    params: idParams,
    query: linkQuery,
    responses: {
      200: {
        description: 'The link',
        schema: z.object({ success: z.literal(true), link: linkWithAnalytics.extend({ analytics: linkWithAnalytics.shape.analytics.extend({ comparison: comparison.optional() }) }) }),
      },
      400: { description: 'Unknown query parameter or compare value' },
      404: { description: 'No such link' },
    },
    handler: async ({ params, query, auth, res, services }) => {
      const link = await findUserLink(services.db, auth.user.id, params.id);
      if (!link) throw new ApiError(404, NOT_FOUND);
      const [analytics, compared] = await Promise.all([
        linkAnalytics(services.db, link.id),
        query.compare === 'previous' ? compareWindows(services.db, link.id, auth.user.attribution_window_days) : undefined,
      ]);
      res.json({
        success: true,
        link: {
          ...presentLink(link, services.config.publicBaseUrl, await userDomainNames(services.db, auth.user.id)),
          analytics: { total_clicks: analytics.total_clicks, recent_clicks: analytics.recent_clicks.map(presentRecentClick), trigger_breakdown: analytics.trigger_breakdown, rule_breakdown: analytics.rule_breakdown,
            ...(compared ? { comparison: compared } : {}),
          },
        },
      });
    },
  });

  api.add({
    method: 'patch',
    path: '/api/v1/links/:id',
    tag: 'Links',
    summary: 'Update a link: only the fields sent change; password null removes it',
    auth: 'links:write',
    params: idParams,
    body: updateLinkBody,
    responses: {
      200: { description: 'Updated', schema: linkResponse },
      403: { description: 'Scheduling is not available on your plan' },
      404: { description: 'No such link' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ params, body, auth, res, services }) => {
      const link = await updateUserLink(services, auth.user, params.id, body.link, body.password);
      if (!link) throw new ApiError(404, NOT_FOUND);
      const presented = presentLink(link, services.config.publicBaseUrl, await userDomainNames(services.db, auth.user.id));
      await emitWebhook(services, auth.user.id, 'link.updated', { link: presented });
      res.json({ success: true, link: presented });
    },
  });

  api.add({
    method: 'delete',
    path: '/api/v1/links/:id',
    tag: 'Links',
    summary: 'Archive a link (links are never deleted)',
    auth: 'links:write',
    params: idParams,
    responses: {
      200: { description: 'Archived', schema: successMessage },
      404: { description: 'No such link' },
    },
    handler: async ({ params, auth, res, services }) => {
      const link = await archiveUserLink(services, auth.user, params.id);
      if (!link) throw new ApiError(404, NOT_FOUND);
      // Archiving changes the link (archived: true), so subscribers hear of it as an update.
      await emitWebhook(services, auth.user.id, 'link.updated', { link: presentLink(link, services.config.publicBaseUrl, await userDomainNames(services.db, auth.user.id)) });
      res.json({ success: true, message: 'Link archived successfully' });
    },
  });
}
