import { findInstall, registerInstall, type InstallSessionRow } from '../db/install-session-store';
import { findPackageBySlug } from '../db/package-store';
import { SLUG_PATTERN } from '../domain/packages';
import { ADDRESS_LIMITED, consumeAddressRequest } from './address-limit';
import { ApiError } from './errors';
import { installParams, installProgress, installStartBody, installStarted } from './installs.schema';
import type { ApiRouter } from './route';

/** Per address and minute. The client polls progress every 2 s; a start is one call per install. */
const START_PER_MINUTE = 30;
const PROGRESS_PER_MINUTE = 120;

function progressOf(row: InstallSessionRow) {
  return { phase: row.phase, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

/**
 * The pkglnk Unity client's install reporting (no auth): it registers an install id before UPM
 * fetches `/<slug>.git?install=<id>`, then polls the phase the proxy's own events move it to.
 */
export function registerInstallRoutes(api: ApiRouter): void {
  api.add({
    method: 'post',
    path: '/api/v1/install-start',
    tag: 'Installs',
    summary: 'Register an install id before installing (pkglnk client; no auth): {"slug","install_id","source"}',
    auth: 'public',
    body: installStartBody,
    bodyLimit: '4kb',
    responses: {
      201: { description: 'Registered', schema: installStarted },
      200: { description: 'Already registered for this package', schema: installStarted },
      404: { description: 'No such package' },
      409: { description: 'The install id belongs to another package' },
      422: { description: 'Validation failed' },
      429: ADDRESS_LIMITED,
    },
    handler: async ({ req, res, body, services }) => {
      await consumeAddressRequest(services, req, res, 'install-start', START_PER_MINUTE);
      const slug = body.slug.toLowerCase();
      const pkg = SLUG_PATTERN.test(slug) ? await findPackageBySlug(services.db, slug) : undefined;
      if (!pkg) throw new ApiError(404, 'Package not found');
      const registered = await registerInstall(services.db, body.install_id, pkg.id, body.source ?? null);
      if (!registered) throw new ApiError(409, 'Install id is already in use for another package');
      res.status(registered.inserted ? 201 : 200).json({ install_id: registered.install_id, slug: pkg.slug, ...progressOf(registered) });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/install-progress/:install_id',
    tag: 'Installs',
    summary: 'Where an install stands: pending → resolving → downloading → complete (or failed), from the git proxy',
    auth: 'public',
    params: installParams,
    responses: {
      200: { description: 'The phase', schema: installProgress },
      404: { description: 'No such install id' },
      429: ADDRESS_LIMITED,
    },
    handler: async ({ req, res, params, services }) => {
      await consumeAddressRequest(services, req, res, 'install-progress', PROGRESS_PER_MINUTE);
      const row = await findInstall(services.db, params.install_id);
      if (!row) throw new ApiError(404, 'Install not found');
      res.setHeader('Cache-Control', 'no-store');
      res.json(progressOf(row));
    },
  });
}
