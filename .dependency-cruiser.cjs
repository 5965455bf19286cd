/**
 * The layers of src/, checked by `npm test` (npm run layers). Arrows point down only:
 *
 *   bin/, web.ts                      entry points and process wiring: may import anything
 *   api/   proxy/   workers/   site/  surfaces: never each other
 *   domain/                           domain rules (links, collections, packages, jobs, webhooks …)
 *   queues/                           queue registry, rollup requests, repeating jobs, pub/sub
 *   db/                               knex and the stores
 *   lib/                              small pure helpers and shared vocabularies
 *
 * config.ts, logger.ts, redis.ts and services.ts are the process context every module is
 * handed: below the surfaces they may be imported for their types only (Services, Config,
 * Logger), never run. No import cycles anywhere.
 */
const CONTEXT = '^src/(config|logger|redis|services)\\.ts$';
const ENTRY = '^src/(bin/|web\\.ts$)';

/** A layer may not import the layers named (paths under src/). */
function forbid(name, from, layers, comment) {
  return { name, comment, severity: 'error', from: { path: from }, to: { path: `^src/(${layers.join('|')})(/|\\.ts$)` } };
}

/** Below the surfaces, the process context is a type, never a running import. */
function contextTypesOnly(name, from) {
  return {
    name,
    comment: 'Below the surfaces the process context (config, logger, redis, services) is passed in: import its types only.',
    severity: 'error',
    from: { path: from },
    to: { path: CONTEXT, dependencyTypesNot: ['type-only'] },
  };
}

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'Import cycles hide which module depends on which.', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'lib-is-the-bottom',
      comment: 'src/lib holds pure helpers: it imports nothing else from src/.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'db-imports-lib-only',
      comment: 'The stores sit on lib/ alone.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: '^src/(lib|db)/' },
    },
    forbid('queues-below-domain', '^src/queues/', ['domain', 'api', 'proxy', 'workers', 'site', 'bin', 'web'], 'Queue plumbing may not reach up into domain rules or a surface.'),
    contextTypesOnly('queues-context-types-only', '^src/queues/'),
    forbid('domain-below-surfaces', '^src/domain/', ['api', 'proxy', 'workers', 'site', 'bin', 'web'], 'Domain rules throw DomainError; they never import a surface.'),
    contextTypesOnly('domain-context-types-only', '^src/domain/'),
    forbid('api-is-a-surface', '^src/api/', ['proxy', 'workers', 'site', 'bin', 'web'], 'The API does not load edge, page or worker code.'),
    forbid('proxy-is-a-surface', '^src/proxy/', ['api', 'workers', 'site', 'bin', 'web'], 'The edge does not load API, page or worker code (web.ts hands it the site).'),
    forbid('workers-are-a-surface', '^src/workers/', ['api', 'proxy', 'site', 'bin', 'web'], 'The worker process does not load API, edge or page code.'),
    forbid('site-is-a-surface', '^src/site/', ['api', 'proxy', 'workers', 'bin', 'web'], 'The pages for people do not load API, edge or worker code.'),
    forbid('context-below-surfaces', CONTEXT, ['domain', 'api', 'proxy', 'workers', 'site', 'bin', 'web'], 'The process context wires db/ and queues/ only.'),
    {
      name: 'nothing-imports-entry-points',
      comment: 'bin/ and web.ts are the top: only bin/ may import web.ts.',
      severity: 'error',
      from: { pathNot: '^src/bin/' },
      to: { path: ENTRY },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type import still ties a lower layer to a higher one.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
