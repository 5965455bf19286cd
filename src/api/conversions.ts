import { z } from 'zod';
import { attributeConversion, formatTimeToConvert } from '../domain/attribution';
import { findGoalByTokenHash } from '../db/conversion-goal-store';
import { insertConversion } from '../db/conversion-store';
import { emitWebhook } from '../domain/webhooks/emit';
import { hashPostbackToken, POSTBACK_TOKEN_PATTERN } from '../lib/postback-tokens';
import { clientIp } from '../lib/client-ip';
import { postbackResponse, postbackBody } from './conversions.schema';
import { ApiError } from './errors';
import { requireFeature } from '../domain/feature-gate';
import type { ApiRouter } from './route';
import { singleLine } from '../lib/schemas';

/**
 * POST /api/conversions/track/:token — the public conversion postback. The token names the
 * goal; attribution (attribution.ts) finds the click; the unique (goal_id, order_id) index
 * turns a repeated order id into 409, however many arrive at once. Answers 200.
 */
export function registerConversionRoutes(api: ApiRouter): void {
  api.add({
    method: 'post',
    path: '/api/conversions/track/:token',
    tag: 'Conversions',
    summary: 'Track a conversion (postback; public, authenticated by the goal token in the path)',
    auth: 'public',
    params: z.object({ token: singleLine() }),
    body: postbackBody,
    bodyLimit: '16kb',
    responses: {
      200: { description: 'Recorded', schema: postbackResponse },
      403: { description: "Feature not available on the goal owner's plan" },
      404: { description: 'Invalid postback token' },
      409: { description: 'Duplicate conversion (same order_id already tracked)' },
      410: { description: 'Conversion goal is inactive' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ params, body, req, res, services }) => {
      const found = POSTBACK_TOKEN_PATTERN.test(params.token) ? await findGoalByTokenHash(services.db, hashPostbackToken(params.token)) : undefined;
      if (!found) throw new ApiError(404, 'Invalid postback token');
      const { goal, owner } = found;
      if (!goal.active) throw new ApiError(410, 'Conversion goal is inactive');
      requireFeature(owner.plan, 'conversions');

      const click = await attributeConversion(services.db, services.config.appSecret, owner, {
        clickId: body.click_id,
        ip: body.ip ?? clientIp(req, services.config.trustProxyHops),
        userAgent: body.ua,
      });
      const stored = await insertConversion(services.db, {
        goal_id: goal.id,
        user_id: owner.id,
        link_id: click?.link_id ?? null,
        variant_id: click?.variant_id ?? null,
        click_id: click?.id ?? null,
        clicked_at: click?.clicked_at ?? null,
        order_id: body.order_id ?? null,
        value: body.value ?? goal.default_value,
        currency: body.currency ?? goal.currency,
        attributed: click !== undefined,
      });
      if (!stored) throw new ApiError(409, 'Duplicate conversion: this order_id has already been tracked for this goal');
      const timeToConvert = click ? formatTimeToConvert(stored.converted_at.getTime() - click.clicked_at.getTime()) : null;
      await emitWebhook(services, owner.id, 'conversion.tracked', {
        conversion: {
          id: stored.id,
          goal: { id: goal.id, name: goal.name },
          order_id: body.order_id ?? null,
          value: stored.value,
          currency: body.currency ?? goal.currency,
          attributed: click !== undefined,
          link_id: click?.link_id ?? null,
          click_id: click?.id ?? null,
          variant_id: click?.variant_id ?? null,
          time_to_convert: timeToConvert,
          converted_at: stored.converted_at.toISOString(),
        },
      });
      res.json({ success: true, conversion_id: stored.id, attributed: click !== undefined, value: stored.value, time_to_convert: timeToConvert });
    },
  });
}
