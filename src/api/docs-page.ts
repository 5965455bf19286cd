import { dirname, join } from 'node:path';
import type { Express } from 'express';

/**
 * GET /docs: the API reference, Scalar's standalone bundle served from node_modules (no CDN:
 * the page works offline and loads nothing from third parties) rendering /api/v1/openapi.json.
 */
// The package exports no subpath for its browser bundle: found beside its main entry (dist/).
const SCALAR_BUNDLE = join(dirname(require.resolve('@scalar/api-reference')), 'browser', 'standalone.js');

const CONFIGURATION = JSON.stringify({ withDefaultFonts: false, hideClientButton: true, telemetry: false });

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Linktally API reference</title>
</head>
<body>
<script id="api-reference" data-url="/api/v1/openapi.json" data-configuration='${CONFIGURATION}'></script>
<script src="/docs/scalar.js"></script>
</body>
</html>
`;

export function mountDocsPage(app: Express): void {
  app.get('/docs', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(PAGE);
  });
  app.get('/docs/scalar.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').sendFile(SCALAR_BUNDLE);
  });
}
