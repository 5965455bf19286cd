#!/usr/bin/env node
// npm run geoip:update: fresh GeoLite2 data for geoip-lite, with the operator's MaxMind licence
// key (MAXMIND_LICENSE_KEY; free at maxmind.com). geoip-lite's own updatedb script downloads and
// converts it; then a stamp records when, which the worker reads at start (workers/geoip-age.ts).
'use strict';
const { spawnSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const key = process.env.MAXMIND_LICENSE_KEY;
if (!key) {
  process.stderr.write('geoip:update needs MAXMIND_LICENSE_KEY (a MaxMind licence key for GeoLite2)\n');
  process.exit(2);
}
const root = dirname(require.resolve('geoip-lite/package.json'));
// The key goes in the environment, not argv: argv is visible to every user of the machine.
const run = spawnSync(process.execPath, [join(root, 'scripts', 'updatedb.js')], { stdio: 'inherit', env: { ...process.env, LICENSE_KEY: key } });
if (run.status !== 0) process.exit(run.status ?? 1);
writeFileSync(join(root, 'data', 'linktally-updated-at'), `${new Date().toISOString()}\n`);
process.stdout.write('GeoIP data updated\n');
