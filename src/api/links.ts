import { z } from 'zod';
import { findUserLink } from '../db/link-store';
import { createLink } from '../links';
import { ApiError } from './errors';
import { createLinkBody, linkObject, presentLink } from './links.schema';
import type { ApiRouter } from './route';
import { idParam } from './schemas';

export function registerLinkRoutes(api: ApiRouter): void {
  api.add({
    method: 'post',
    path: '/api/v1/links',
    tag: 'Links',
    summary: 'Create a short link',
    auth: 'links:write',
    body: createLinkBody,
    responses: {
      201: { description: 'Created', schema: z.object({ success: z.literal(true), link: linkObject }) },
      422: { description: 'Validation failed' },
    },
    handler: async ({ body, auth, res, services }) => {
      const link = await createLink(services.db, { user_id: auth.user.id, destination_url: body.link.destination_url, title: body.link.title ?? null, short_code: body.link.short_code, append_click_id: body.link.append_click_id ?? false });
      res.status(201).json({ success: true, link: presentLink(link, services.config.publicBaseUrl) });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/links/:id',
    tag: 'Links',
    summary: 'Get one link',
    auth: 'links:read',
    params: z.object({ id: idParam }),
    responses: {
      200: { description: 'The link', schema: z.object({ success: z.literal(true), link: linkObject }) },
      404: { description: 'No such link' },
    },
    handler: async ({ params, auth, res, services }) => {
      const link = await findUserLink(services.db, auth.user.id, params.id);
      if (!link) throw new ApiError(404, 'Link not found');
      res.json({ success: true, link: presentLink(link, services.config.publicBaseUrl) });
    },
  });
}
