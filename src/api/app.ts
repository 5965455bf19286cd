import express, { type Express } from 'express';
import type { Services } from '../services';
import { registerAnalyticsRoutes } from './analytics';
import { ApiError, errorHandler } from './errors';
import { mountHealth } from './health';
import { registerLinkRoutes } from './links';
import { buildOpenApiDocument } from './openapi';
import { requestLogger } from './request-logger';
import { ApiRouter } from './route';
import { registerTokenRoutes } from './tokens';

/** Every API resource registers its routes here; the OpenAPI document is built from the same list. */
export function buildApiRouter(): ApiRouter {
  const api = new ApiRouter();
  registerTokenRoutes(api);
  registerLinkRoutes(api);
  registerAnalyticsRoutes(api);
  return api;
}

export function createApiApp(services: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogger(services.logger));

  mountHealth(app, services);

  const api = buildApiRouter();
  const openapi = buildOpenApiDocument(api.routes, services.config.publicBaseUrl);
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  api.mount(app, services);

  app.use((req, _res, next) => {
    next(new ApiError(404, `No route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler(services.logger));
  return app;
}
