/**
 * npm run bench -- <name> [more names]: runs bench/<name>.ts for each name, one after another.
 * With no name, lists the benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const names = process.argv.slice(2);
const available = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.replace(/\.ts$/, ''));
if (names.length === 0) {
  console.log(`usage: npm run bench -- <${available.join('|')}>`);
  process.exit(2);
}
for (const name of names) {
  const file = join(__dirname, `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`no benchmark named ${name}; available: ${available.join(', ')}`);
    process.exit(2);
  }
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', file], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
