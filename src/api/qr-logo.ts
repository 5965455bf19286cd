import { deleteQrLogo, findQrLogo, saveQrLogo } from '../db/qr-logo-store';
import { ApiError } from './errors';
import type { ApiRouter } from './route';
import { putQrLogoBody, presentQrLogo, qrLogoResponse, qrLogoState } from './qr-logo.schema';
import { successMessage } from './envelopes.schema';

/**
 * The account's QR centre logo (GET /api/v1/links/:id/qr?logo=true draws it). Uploaded here as
 * bytes and kept in PostgreSQL: no image is ever fetched from a URL.
 */
const PATH = '/api/v1/settings/qr_logo';
const NONE = 'No QR logo has been uploaded';

export function registerQrLogoRoutes(api: ApiRouter): void {
  api.add({
    method: 'get', path: PATH, tag: 'Settings', auth: ['settings:manage', 'links:read'],
    summary: 'The centre logo your QR codes can carry (its type and size, not its bytes); qr_logo is null until one is uploaded',
    responses: { 200: { description: 'The logo, or null', schema: qrLogoState } },
    handler: async ({ auth, res, services }) => {
      const row = await findQrLogo(services.db, auth.user.id);
      res.json({ success: true, qr_logo: row ? presentQrLogo(row) : null });
    },
  });

  api.add({
    method: 'put', path: PATH, tag: 'Settings', auth: 'settings:manage', body: putQrLogoBody, bodyLimit: '160kb',
    summary: 'Upload (or replace) the centre logo for your QR codes: {"image":"data:image/png;base64,…"}; PNG or JPEG, at most 100 KB',
    responses: {
      200: { description: 'The logo as stored', schema: qrLogoResponse },
      413: { description: 'The request body is too large' },
      422: { description: 'Not a whole PNG or JPEG within the limits' },
    },
    handler: async ({ body, auth, res, services }) => {
      res.json({ success: true, qr_logo: presentQrLogo(await saveQrLogo(services.db, auth.user.id, body.image)) });
    },
  });

  api.add({
    method: 'delete', path: PATH, tag: 'Settings', auth: 'settings:manage',
    summary: 'Remove the centre logo (codes asked for with logo=true then answer 409)',
    responses: { 200: { description: 'Removed', schema: successMessage }, 404: { description: NONE } },
    handler: async ({ auth, res, services }) => {
      if (!(await deleteQrLogo(services.db, auth.user.id))) throw new ApiError(404, NONE);
      res.json({ success: true, message: 'QR logo removed' });
    },
  });
}
