import { z } from 'zod';
import { INSTALL_SOURCES } from '../db/install-session-store';
import { INSTALL_ID_PATTERN, INSTALL_PHASES } from '../lib/edge-events';
import { singleLine } from '../lib/schemas';

/** Request and response shapes of the pkglnk client's install endpoints (install-start, install-progress). */

const installId = z
  .string({ error: 'Install id must be a string' })
  .transform((v) => v.toLowerCase())
  .pipe(z.string().regex(INSTALL_ID_PATTERN, 'Install id must be 16 hexadecimal digits'));

export const installStartBody = z.object({
  slug: singleLine('Slug').min(1, "Slug can't be blank").max(64, 'Slug is too long (maximum is 64 characters)'),
  install_id: installId,
  source: z.enum(INSTALL_SOURCES, { error: `Source must be one of ${INSTALL_SOURCES.join(', ')}` }).nullable().optional(),
});

export const installParams = z.object({ install_id: installId });

export const installProgress = z.object({
  phase: z.enum(INSTALL_PHASES),
  created_at: z.string(),
  updated_at: z.string(),
});

export const installStarted = installProgress.extend({ install_id: z.string(), slug: z.string() }).meta({ id: 'InstallStarted' });
