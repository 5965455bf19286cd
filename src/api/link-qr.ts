import { z } from 'zod';
import { findUserLink } from '../db/link-store';
import { ApiError } from './errors';
import { presentLink } from '../domain/links.schema';
import type { ApiRouter } from './route';
import { idParam, queryBoolean, queryInt, singleLine } from '../lib/schemas';
import { qrUrl } from '../lib/click-trigger';
import { userDomainNames } from '../db/domain-store';
import { findQrLogo } from '../db/qr-logo-store';
import { renderQrPng, renderQrSvg, type QrImageOptions } from '../lib/qr-image';

// Lower-case messages: formatIssues names the parameter (Fg, Bg) once, also for a repeated one.
const color = singleLine().regex(/^#?[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, 'must be a hex colour, RRGGBB or RRGGBBAA').transform((v) => `#${v.replace(/^#/, '')}`);

const qrQuery = z.object({
  format: z.enum(['svg', 'png'], { error: 'Format must be svg or png' }).optional(),
  size: queryInt(64, 2048).optional().describe('Width and height in pixels (default 512)'),
  margin: queryInt(0, 16).optional().describe('Quiet zone in modules (default 4, as the QR standard asks)'),
  level: z.enum(['L', 'M', 'Q', 'H'], { error: 'Level must be L, M, Q or H' }).optional().describe('Error correction (default M; always H with logo=true)'),
  fg: color.optional().describe('Dark colour (default 000000)'),
  bg: color.optional().describe('Light colour (default ffffff)'),
  download: queryBoolean.optional().describe('Send as an attachment with a file name'),
  logo: queryBoolean.optional().describe('Draw the account\'s centre logo (PUT /api/v1/settings/qr_logo) over a cleared centre, at level H'),
}).strict();

export function registerLinkQrRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/links/:id/qr',
    tag: 'Links',
    summary: 'The QR code of the link\'s short URL, as SVG (default) or PNG',
    auth: 'links:read',
    params: z.object({ id: idParam }),
    query: qrQuery,
    responses: {
      200: { description: 'The QR code: image/svg+xml, or image/png with format=png', contentType: 'image/svg+xml', schema: z.string() },
      404: { description: 'No such link' },
      409: { description: 'logo=true, but no QR logo has been uploaded' },
    },
    handler: async ({ params, query, auth, res, services }) => {
      const link = await findUserLink(services.db, auth.user.id, params.id);
      if (!link) throw new ApiError(404, 'Link not found');
      // The marker tells scans apart from clicks (trigger on each click, analytics, link.clicked).
      const text = qrUrl(presentLink(link, services.config.publicBaseUrl, await userDomainNames(services.db, auth.user.id)).short_url);
      const logo = query.logo ? await findQrLogo(services.db, auth.user.id) : undefined;
      if (query.logo && !logo) throw new ApiError(409, 'No QR logo has been uploaded: PUT /api/v1/settings/qr_logo first');
      const options: QrImageOptions = {
        level: query.level ?? 'M',
        margin: query.margin ?? 4,
        size: query.size ?? 512,
        dark: query.fg ?? '#000000ff',
        light: query.bg ?? '#ffffffff',
        ...(logo ? { logo: { contentType: logo.content_type, bytes: logo.image } } : {}),
      };
      const format = query.format ?? 'svg';
      res.setHeader('Cache-Control', 'private, max-age=60');
      if (query.download) res.attachment(`${link.short_code}-qr.${format}`);
      if (format === 'png') {
        res.type('image/png').send(await renderQrPng(text, options));
      } else {
        res.type('image/svg+xml').send(await renderQrSvg(text, options));
      }
    },
  });
}
