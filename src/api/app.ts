import express, { type Express } from 'express';
import type { Services } from '../services';
import { registerCollectionRoutes } from './collections';
import { registerBookmarkRoutes } from './bookmarks';
import { registerDirectoryRoutes } from './directory';
import { registerConversionGoalRoutes } from './conversion-goals';
import { registerConversionRoutes } from './conversions';
import { registerAnalyticsRoutes } from './analytics';
import { registerRangeAnalyticsRoutes } from './range-analytics';
import { registerLiveRoutes } from './live';
import { ApiError, errorHandler } from './errors';
import { mountHealth } from './health';
import { mountDocsPage } from './docs-page';
import { mountQueueBoard } from './queue-board';
import { mountUnitySignIn } from './unity-sign-in';
import { registerInstallRoutes } from './installs';
import { registerJobRoutes } from './jobs';
import { registerLinkJobRoutes } from './link-jobs';
import { registerLinkQrRoutes } from './link-qr';
import { registerQrLogoRoutes } from './qr-logo';
import { registerLinkRoutes } from './links';
import { registerPackageExportRoutes } from './package-export';
import { buildOpenApiDocument } from './openapi';
import { registerPackageAnalyticsRoutes } from './package-analytics';
import { registerPackageRoutes } from './packages';
import { registerPackageRefreshRoutes } from './package-refresh';
import { requestLogger } from './request-logger';
import { ApiRouter } from './route';
import { registerAccountRoutes } from './account';
import { registerAdminRoutes } from './admin';
import { registerSessionRoutes } from './sessions';
import { registerSettingsRoutes } from './settings';
import type { SignInLimits } from '../domain/sign-in-throttle';
import { registerTokenRoutes } from './tokens';
import { registerWebhookRoutes } from './webhooks';
import { registerVariantRoutes } from './variants';
import { registerLinkRuleRoutes } from './link-rules';
import { registerDomainRoutes } from './domains';

/** Every API resource registers its routes here; the OpenAPI document is built from the same list. */
export interface ApiOptions {
  signInLimits?: SignInLimits;
  /** True once the process is shutting down: /readyz then answers 503. */
  isStopping?: () => boolean;
}

export function buildApiRouter(options: ApiOptions = {}): ApiRouter {
  const api = new ApiRouter();
  registerSessionRoutes(api, options.signInLimits);
  registerAccountRoutes(api);
  registerAdminRoutes(api);
  registerTokenRoutes(api);
  // Before the links resource: its /api/v1/links/:id would take "export" and "bulk_import".
  registerLinkJobRoutes(api);
  registerLinkRoutes(api);
  registerLinkQrRoutes(api);
  registerQrLogoRoutes(api);
  registerCollectionRoutes(api);
  registerPackageAnalyticsRoutes(api);
  registerPackageRefreshRoutes(api);
  registerSettingsRoutes(api);
  registerWebhookRoutes(api);
  registerPackageRoutes(api);
  registerVariantRoutes(api);
  registerLinkRuleRoutes(api);
  registerDomainRoutes(api);
  registerConversionGoalRoutes(api);
  registerConversionRoutes(api);
  registerJobRoutes(api);
  registerPackageExportRoutes(api);
  registerAnalyticsRoutes(api);
  registerRangeAnalyticsRoutes(api);
  registerLiveRoutes(api);
  registerInstallRoutes(api);
  registerDirectoryRoutes(api);
  registerBookmarkRoutes(api);
  return api;
}

export function createApiApp(services: Services, options: ApiOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogger(services.logger));

  mountHealth(app, services, options.isStopping);

  const api = buildApiRouter(options);
  const openapi = buildOpenApiDocument(api.routes, services.config.publicBaseUrl);
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  // Browsers ask every host for /favicon.ico; pages with an icon link their own (the dashboard's
  // inline SVG). "Nothing here" without the 404 every visitor's console showed on the public pages.
  app.get('/favicon.ico', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').status(204).end();
  });
  mountDocsPage(app);
  mountQueueBoard(app, services);
  mountUnitySignIn(app, services);
  api.mount(app, services);

  app.use((req, _res, next) => {
    next(new ApiError(404, `No route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler(services.logger));
  return app;
}
