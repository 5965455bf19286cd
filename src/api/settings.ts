import { requireFeature } from '../domain/feature-gate';
import { z } from 'zod';
import { findWebhookTarget, updateWebhookSettings } from '../db/webhook-store';
import { planAllows } from '../lib/plans';
import { decryptSecret, encryptSecret } from '../lib/secrets';
import type { Services } from '../services';
import { webhookUrlProblem } from '../domain/webhooks/ssrf';
import { ApiError } from './errors';
import type { ApiRouter } from './route';
import { patchSettingsBody, secretHint, settingsObject, type SettingsObject } from './settings.schema';

async function loadSettings(services: Services, userId: number): Promise<SettingsObject> {
  const target = await findWebhookTarget(services.db, userId);
  if (!target) throw new ApiError(404, 'User not found');
  let hint: string | null = null;
  try {
    hint = target.webhook_secret_encrypted ? secretHint(decryptSecret(services.config.appSecret, target.webhook_secret_encrypted)) : null;
  } catch {
    hint = null; // undecryptable (APP_SECRET changed): still reported as set, so the user knows to replace it
  }
  return {
    attribution_window_days: target.attribution_window_days,
    webhook_url: target.webhook_url,
    webhook_secret_set: target.webhook_secret_encrypted !== null,
    webhook_secret_hint: hint,
    webhooks_available: planAllows(target.plan, 'webhooks'),
  };
}

const response = z.object({ success: z.literal(true), settings: settingsObject }).meta({ id: 'SettingsResponse' });

export function registerSettingsRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/settings',
    tag: 'Settings',
    summary: 'Read API settings (the webhook secret is never returned)',
    auth: 'settings:manage',
    responses: { 200: { description: 'Settings', schema: response } },
    handler: async ({ auth, res, services }) => {
      res.json({ success: true, settings: await loadSettings(services, auth.user.id) });
    },
  });

  api.add({
    method: 'patch',
    path: '/api/v1/settings',
    tag: 'Settings',
    summary: 'Change the attribution window, webhook URL or webhook secret (webhooks: enterprise)',
    auth: 'settings:manage',
    body: patchSettingsBody,
    bodyLimit: '16kb',
    responses: {
      200: { description: 'Updated settings', schema: response },
      403: { description: 'Feature not available on your plan' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ body, auth, res, services }) => {
      if (Object.keys(body).length === 0) throw ApiError.validation(['Nothing to update: send attribution_window_days, webhook_url or webhook_secret']);
      // Setting a webhook needs the plan; clearing one (null) is always allowed, e.g. after a downgrade.
      const setsWebhook = (body.webhook_url ?? null) !== null || (body.webhook_secret ?? null) !== null;
      if (setsWebhook) requireFeature(auth.user.plan, 'webhooks');
      if (body.webhook_url) {
        const problem = await webhookUrlProblem(body.webhook_url, services.config.webhookAllowPrivate);
        if (problem) throw ApiError.validation([problem]);
      }
      await updateWebhookSettings(services.db, auth.user.id, {
        ...(body.attribution_window_days !== undefined ? { attribution_window_days: body.attribution_window_days } : {}),
        ...(body.webhook_url !== undefined ? { webhook_url: body.webhook_url } : {}),
        ...(body.webhook_secret !== undefined ? { webhook_secret_encrypted: body.webhook_secret === null ? null : encryptSecret(services.config.appSecret, body.webhook_secret) } : {}),
      });
      res.json({ success: true, settings: await loadSettings(services, auth.user.id) });
    },
  });
}
