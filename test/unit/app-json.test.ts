import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

interface AppJson {
  formation: Record<string, { quantity: number }>;
  addons: Array<{ plan: string; as?: string }>;
  env: Record<string, { generator?: string; value?: string; required?: boolean }>;
  buildpacks: Array<{ url: string }>;
}

describe('The Heroku app description (app.json and Procfile)', () => {
  const app = JSON.parse(readFileSync(join(ROOT, 'app.json'), 'utf8')) as AppJson;
  const procfile = Object.fromEntries(readFileSync(join(ROOT, 'Procfile'), 'utf8').trim().split('\n').map((line) => {
    const [name, ...command] = line.split(':');
    return [name!.trim(), command.join(':').trim()];
  }));

  it('runs a web and a worker dyno, each a process type of the Procfile, and a release phase that migrates', () => {
    assert.deepEqual(Object.keys(app.formation).sort(), ['web', 'worker']);
    for (const type of Object.keys(app.formation)) assert.ok(procfile[type], `Procfile has ${type}`);
    assert.match(procfile.release ?? '', /bin\/release\.js$/);
  });

  it('provisions PostgreSQL and Redis as DATABASE_URL and REDIS_URL, and generates APP_SECRET', () => {
    const plans = app.addons.map((a) => `${a.plan.split(':')[0]} as ${a.as}`).sort();
    assert.deepEqual(plans, ['heroku-postgresql as DATABASE', 'heroku-redis as REDIS']);
    assert.equal(app.env.APP_SECRET?.generator, 'secret');
    assert.equal(app.env.NODE_ENV?.value, 'production');
    assert.ok(app.buildpacks.some((b) => b.url === 'heroku/nodejs'));
  });

  it('npm start hands its shell over to the supervisor (exec), so a SIGTERM sent to npm stops web and workers', () => {
    // npm signals the shell that runs the script; a shell waiting on a child does not pass the signal on.
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.match(scripts.start ?? '', /&& exec node dist\/src\/bin\/start\.js$/);
  });
});
