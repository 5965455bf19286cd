import { requireFeature } from '../domain/feature-gate';
import { z } from 'zod';
import { beginRedelivery, findUserDelivery, findWebhookTarget, insertDeliveries, listDeliveries } from '../db/webhook-store';
import { enqueueDeliveries, newDelivery } from '../domain/webhooks/emit';
import { ApiError } from './errors';
import { paginationObject } from '../domain/links.schema';
import type { ApiRouter } from './route';
import { deliveryIdParam, deliveryObject, listDeliveriesQuery, presentDelivery } from './webhooks.schema';

const deliveryResponse = z.object({ success: z.literal(true), delivery: deliveryObject }).meta({ id: 'WebhookDeliveryResponse' });

export function registerWebhookRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/webhooks/deliveries',
    tag: 'Webhooks',
    summary: 'List webhook deliveries, newest first, each with its attempts',
    auth: 'settings:manage',
    query: listDeliveriesQuery,
    responses: { 200: { description: 'Deliveries', schema: z.object({ success: z.literal(true), deliveries: z.array(deliveryObject), pagination: paginationObject }) } },
    handler: async ({ query, auth, res, services }) => {
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 50;
      const { rows, total, attempts } = await listDeliveries(services.db, auth.user.id, { page, perPage, status: query.status, event: query.event });
      res.json({
        success: true,
        deliveries: rows.map((row) => presentDelivery(row, attempts.filter((a) => a.delivery_id === row.id))),
        pagination: { page, per_page: perPage, total, total_pages: Math.ceil(total / perPage) },
      });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/webhooks/deliveries/:id/redeliver',
    tag: 'Webhooks',
    summary: 'Send a finished delivery again: a new series of attempts, same delivery id and body',
    auth: 'settings:manage',
    params: deliveryIdParam,
    responses: {
      202: { description: 'Queued', schema: deliveryResponse },
      403: { description: 'Feature not available on your plan' },
      404: { description: 'No such delivery' },
      409: { description: 'The delivery is still being attempted' },
      422: { description: 'No webhook URL is configured' },
    },
    handler: async ({ params, auth, res, services }) => {
      const existing = await findUserDelivery(services.db, auth.user.id, params.id);
      if (!existing) throw new ApiError(404, 'Delivery not found');
      requireFeature(auth.user.plan, 'webhooks');
      if (!(await findWebhookTarget(services.db, auth.user.id))?.webhook_url) throw ApiError.validation(['No webhook URL is configured']);
      const delivery = await beginRedelivery(services.db, auth.user.id, params.id);
      if (!delivery) throw new ApiError(409, 'Delivery is still being attempted');
      await enqueueDeliveries(services, [{ deliveryId: delivery.id, series: delivery.series }]);
      res.status(202).json({ success: true, delivery: presentDelivery(delivery, []) });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/webhooks/test',
    tag: 'Webhooks',
    summary: 'Send a signed webhook.test event to the configured URL; it shows in the delivery log like any other',
    auth: 'settings:manage',
    responses: {
      202: { description: 'Queued', schema: deliveryResponse },
      403: { description: 'Feature not available on your plan' },
      422: { description: 'No webhook URL is configured' },
    },
    handler: async ({ auth, res, services }) => {
      requireFeature(auth.user.plan, 'webhooks');
      if (!(await findWebhookTarget(services.db, auth.user.id))?.webhook_url) throw ApiError.validation(['No webhook URL is configured']);
      const row = newDelivery(auth.user.id, 'webhook.test', { test: true, message: 'A test delivery from Linktally: your endpoint and signature check work.' });
      await insertDeliveries(services.db, [row]);
      await enqueueDeliveries(services, [{ deliveryId: row.id, series: 1 }]);
      const delivery = await findUserDelivery(services.db, auth.user.id, row.id);
      res.status(202).json({ success: true, delivery: presentDelivery(delivery as NonNullable<typeof delivery>, []) });
    },
  });
}
