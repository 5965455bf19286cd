import { z } from 'zod';
import { findUserLink, insertLink, isUniqueViolation, type LinkRow } from '../db/link-store';
import type { Services } from '../services';
import { generateShortCode } from '../short-codes';
import { ApiError } from './errors';
import { createLinkBody, linkObject, presentLink } from './links.schema';
import type { ApiRouter } from './route';
import { idParam } from './schemas';

const GENERATED_CODE_ATTEMPTS = 5;

async function createWithCode(services: Services, userId: number, fields: z.output<typeof createLinkBody>['link']): Promise<LinkRow> {
  const base = { user_id: userId, destination_url: fields.destination_url, title: fields.title ?? null };
  if (fields.short_code) {
    try {
      return await insertLink(services.db, { ...base, short_code: fields.short_code });
    } catch (err) {
      // The unique index decides, so two racing creates of one code get exactly one winner.
      if (isUniqueViolation(err, 'links_short_code_unique')) throw ApiError.validation(['Short code has already been taken']);
      throw err;
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertLink(services.db, { ...base, short_code: generateShortCode() });
    } catch (err) {
      if (!isUniqueViolation(err, 'links_short_code_unique') || attempt >= GENERATED_CODE_ATTEMPTS) throw err;
    }
  }
}

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
      const link = await createWithCode(services, auth.user.id, body.link);
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
