#!/usr/bin/env node
// `npm start` runs the compiled code: rebuild only when a source is newer than the last build,
// so a start with nothing changed takes no compile time. Plain JavaScript: it runs before any build.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');
const sources = ['src', 'migrations', 'dashboard', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, entry) => Math.max(max, newest(join(path, entry))), stat.mtimeMs);
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = !existsSync(join(root, 'dist', 'dashboard', 'index.html'))
  || sources.map((s) => join(root, s)).filter(existsSync).some((s) => newest(s) > built);
if (!changed) process.exit(0);
process.stderr.write('Sources changed since the last build: compiling TypeScript and the dashboard…\n');
const started = Date.now();
const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The dashboard (dashboard/, Vite) is part of the build: npm start serves it with no extra step.
const vite = join(require.resolve('vite/package.json'), '..', 'bin', 'vite.js');
const dashboard = spawnSync(process.execPath, [vite, 'build', join(root, 'dashboard'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
if (dashboard.status !== 0) process.exit(dashboard.status ?? 1);
writeFileSync(stamp, new Date().toISOString() + '\n');
process.stderr.write(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
