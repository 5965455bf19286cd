import { availableParallelism } from 'node:os';
import { z } from 'zod';

/**
 * The one place environment variables are read. Every value is parsed once at start;
 * values that do not parse stop the process with one line naming every bad variable,
 * never a silent fallback to the default.
 */

const booleanFlag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

const trustProxy = z.string().regex(/^(true|false|\d{1,2})$/, 'must be true, false or a hop count (0-99)').transform((v) => {
  if (v === 'true') return Number.POSITIVE_INFINITY;
  if (v === 'false') return 0;
  return Number(v);
});

/**
 * How PostgreSQL connections use TLS. `url`: as DATABASE_URL's sslmode says (pg's reading).
 * `no-verify`: TLS without checking the certificate, which is what Heroku Postgres and other
 * providers with self-signed certificates need. `verify`: TLS with the certificate checked
 * against the system's CAs. `off`: plain TCP.
 */
const databaseSsl = z.enum(['url', 'no-verify', 'verify', 'off']);

/** host:port pairs, comma-separated: the seed nodes of a Redis Cluster. */
const clusterNodes = z
  .string()
  .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must be comma-separated host:port pairs, e.g. 10.0.0.1:7000,10.0.0.2:7000')
  .transform((v) => v.split(',').map((pair) => {
    const at = pair.lastIndexOf(':');
    return { host: pair.slice(0, at), port: Number(pair.slice(at + 1)) };
  }));

/** host=ip:port,… : where the domain verification's HTTP GET goes instead of DNS (tests, or a private network). */
const domainVerifyResolve = z
  .string()
  .regex(/^[A-Za-z0-9.-]+=[0-9A-Za-z.:[\]-]+:\d{1,5}(,[A-Za-z0-9.-]+=[0-9A-Za-z.:[\]-]+:\d{1,5})*$/, 'must be host=ip:port pairs separated by commas, e.g. go.example.com=127.0.0.1:8080')
  .transform((v) => new Map(v.split(',').map((pair) => {
    const [host, target] = pair.split('=') as [string, string];
    return [host.toLowerCase(), target] as const;
  })));

const httpUrl = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ''));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/linktally'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  REDIS_TLS_REJECT_UNAUTHORIZED: booleanFlag.optional(),
  DATABASE_SSL: databaseSsl.optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  WORKER_YIELD_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  DYNO: z.string().optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ or - (1-32)').default('lt'),
  PUBLIC_BASE_URL: httpUrl.optional(),
  APP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  GIT_UPSTREAM_GITHUB: httpUrl.default('https://github.com'),
  GIT_UPSTREAM_GITLAB: httpUrl.default('https://gitlab.com'),
  GIT_UPSTREAM_BITBUCKET: httpUrl.default('https://bitbucket.org'),
  NUGET_UPSTREAM: httpUrl.default('https://api.nuget.org/v3-flatcontainer'),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  GITHUB_TOKEN: z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be a GitHub token (printable, no spaces)').optional(),
  METADATA_FETCH_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
  WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_RETRY_DELAYS_MS: z.string().regex(/^\d{1,7}(,\d{1,7}){0,9}$/, 'must be comma-separated milliseconds, e.g. 1000,5000,30000').default('1000,5000,30000').transform((v) => v.split(',').map(Number)),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(25),
  WEBHOOK_RECEIVER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  DOMAIN_VERIFY_RESOLVE: domainVerifyResolve.optional(),
  DOMAIN_VERIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  TRUST_PROXY: trustProxy.optional(),
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SIGNUP: z.enum(['open', 'invite', 'closed']).default('invite'),
  SESSION_IDLE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  SESSION_LIFETIME_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  PASSWORD_HASH_COST: z.coerce.number().int().min(14).max(20).default(17),
  PUBLIC_API_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(600),
  PUBLIC_PAGES_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(300),
  CARD_RENDERS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(1200),
  CLICK_RETENTION_DAYS: z.string().regex(/^\d{1,5}$/, 'must be a whole number of days (1-36500)').transform(Number).pipe(z.number().int().min(1).max(36500)).optional(),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** Set: every Redis connection is a Redis Cluster connection seeded with these nodes (REDIS_URL still gives password and TLS). */
  redisClusterNodes: Array<{ host: string; port: number }> | null;
  /** For rediss:// connections: check the server's certificate. Off by default on Heroku, whose Redis certificates are self-signed. */
  redisTlsRejectUnauthorized: boolean;
  databaseSsl: 'url' | 'no-verify' | 'verify' | 'off';
  /** Connections each process's knex pool may hold. */
  databasePoolMax: number;
  /** Web processes sharing the port (node's cluster); Heroku's name for it. One per core on a web dyno. */
  webConcurrency: number;
  /**
   * The web processes `npm start` runs, where the worker, PostgreSQL and Redis share the machine:
   * WEB_CONCURRENCY when set, else one per core but one (at least one). A web process on every
   * core left the rest none: on two cores, two web processes beside the worker answered no more
   * redirects than one, at a p99 of 12–17 ms against 7–8.5 ms and more CPU per click
   * (BENCHMARKS.md, session 10).
   */
  webConcurrencyBesideWorkers: number;
  /**
   * The niceness `npm start` gives its worker process: where web and worker share cores, a
   * redirect is answered first and enrichment catches up in the gaps (clicks wait in the
   * queue, none is lost). 0 shares the cores equally.
   */
  workerNice: number;
  /**
   * Under `npm start`: the longest the worker holds back storing clicks and installs while the
   * web process is saturated (workers/yield-to-web.ts); 0 never holds back.
   */
  workerYieldMs: number;
  /** Running on a Heroku dyno (DYNO is set): the router is one trusted proxy hop, TLS certificates are self-signed. */
  onHeroku: boolean;
  /** Prefix of every Redis key; wrapped in braces for BullMQ so a queue's keys share one cluster slot. */
  redisPrefix: string;
  publicBaseUrl: string;
  appSecret: string;
  gitUpstreams: { github: string; gitlab: string; bitbucket: string };
  /** Base of the NuGet v3 flat container the /nuget/flatcontainer/… proxy streams from. */
  nugetUpstream: string;
  /** GitHub's REST API, for a package's stars (a test points it at a local fake). */
  githubApiUrl: string;
  /** Optional token for that API (5,000 requests an hour instead of 60); sent only there, never logged. */
  githubToken: string | null;
  /** Longest any one git command or API call of the metadata worker may take. */
  metadataFetchTimeoutMs: number;
  webhookAllowPrivate: boolean;
  /** Webhook delivery: per-attempt timeout, delays before retries 2..n, delivery jobs per worker process, in-flight deliveries per receiver origin across all workers, days delivery records are kept. */
  webhookTimeoutMs: number;
  webhookRetryDelaysMs: number[];
  webhookConcurrency: number;
  webhookReceiverConcurrency: number;
  webhookRetentionDays: number;
  /** Custom domain verification: hostname → ip:port its GET goes to instead of DNS; per-attempt timeout. */
  domainVerifyResolve: ReadonlyMap<string, string>;
  domainVerifyTimeoutMs: number;
  /** How many proxy hops in X-Forwarded-For are trusted; 0 means only the socket address counts. */
  trustProxyHops: number;
  logLevel: string;
  /** auto: pretty in a terminal, JSON elsewhere. */
  logFormat: 'json' | 'pretty' | 'auto';
  workerConcurrency: number;
  /** Bearer token GET /metrics requires; unset, /metrics answers 404 on the web port. */
  metricsToken: string | null;
  /** The worker's metrics listener (GET /metrics, same token); unset, the worker serves none. */
  metricsPort: number | null;
  /** Raw clicks older than this many days are dropped (whole monthly partitions); null keeps them forever. Daily aggregates are kept. */
  clickRetentionDays: number | null;
  /**
   * Who may create an account in the browser: `open` anyone, `invite` (default) only with an
   * admin's invite link, `closed` nobody (the CLI still can). Whatever the mode, the first
   * account of a fresh install may sign up without an invite (unless closed) and becomes admin.
   */
  signup: 'open' | 'invite' | 'closed';
  /** A browser session ends after this many days without a request, and after sessionLifetimeDays whatever happens. */
  sessionIdleDays: number;
  sessionLifetimeDays: number;
  /** log2 of scrypt's N for account passwords (17: 128 MiB, OWASP's minimum); stored hashes record their own cost. */
  passwordHashCost: number;
  /**
   * Requests per minute one address (an IPv4 address, an IPv6 /64) may make of the public,
   * unauthenticated reads: the directory and collections API (and check-availability), the pages
   * for people, and package cards that are not cached (a cached card costs nothing to answer).
   */
  publicLimits: { apiPerMinute: number; pagesPerMinute: number; cardRendersPerMinute: number };
}

export class ConfigError extends Error {}

/**
 * The environment as read, before APP_SECRET is settled: outside production it may be unset, and
 * the processes then use the deployment's own generated secret, kept in PostgreSQL
 * (src/bin/lifecycle.ts, src/db/instance-secret-store.ts). Never a fixed key: one that is in the
 * code is known to everyone, who could then reverse IP hashes and decrypt stored secrets.
 */
export type Settings = Omit<Config, 'appSecret'> & { appSecret: string | null };

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  const problems = new Map<string, string>();
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const name = String(issue.path[0] ?? 'environment');
    if (!problems.has(name)) problems.set(name, issue.message);
  }
  const productionWithoutSecret = (present.NODE_ENV ?? 'development') === 'production' && !present.APP_SECRET;
  if (productionWithoutSecret && !problems.has('APP_SECRET')) problems.set('APP_SECRET', 'is required in production');
  if (parsed.success && parsed.data.SESSION_LIFETIME_DAYS < parsed.data.SESSION_IDLE_DAYS) problems.set('SESSION_LIFETIME_DAYS', 'must be at least SESSION_IDLE_DAYS');
  if (!parsed.success || problems.size > 0) {
    // Every bad variable at once, on one line: an operator fixes them all in one deploy.
    throw new ConfigError(`Invalid configuration: ${[...problems].map(([name, message]) => `${name} ${message}`).join('; ')}`);
  }
  const v = parsed.data;
  const onHeroku = Boolean(v.DYNO);
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL,
    redisClusterNodes: v.REDIS_CLUSTER_NODES ?? null,
    redisTlsRejectUnauthorized: v.REDIS_TLS_REJECT_UNAUTHORIZED ?? !onHeroku,
    databaseSsl: v.DATABASE_SSL ?? (onHeroku ? 'no-verify' : 'url'),
    databasePoolMax: v.DATABASE_POOL_MAX,
    webConcurrency: v.WEB_CONCURRENCY ?? availableParallelism(),
    webConcurrencyBesideWorkers: v.WEB_CONCURRENCY ?? Math.max(1, availableParallelism() - 1),
    workerNice: v.WORKER_NICE,
    workerYieldMs: v.WORKER_YIELD_MS,
    onHeroku,
    redisPrefix: v.REDIS_PREFIX,
    publicBaseUrl: v.PUBLIC_BASE_URL ?? `http://localhost:${v.PORT}`,
    appSecret: v.APP_SECRET ?? null,
    gitUpstreams: { github: v.GIT_UPSTREAM_GITHUB, gitlab: v.GIT_UPSTREAM_GITLAB, bitbucket: v.GIT_UPSTREAM_BITBUCKET },
    nugetUpstream: v.NUGET_UPSTREAM,
    githubApiUrl: v.GITHUB_API_URL,
    githubToken: v.GITHUB_TOKEN ?? null,
    metadataFetchTimeoutMs: v.METADATA_FETCH_TIMEOUT_MS,
    webhookAllowPrivate: v.WEBHOOK_ALLOW_PRIVATE,
    webhookTimeoutMs: v.WEBHOOK_TIMEOUT_MS,
    webhookRetryDelaysMs: v.WEBHOOK_RETRY_DELAYS_MS,
    webhookConcurrency: v.WEBHOOK_CONCURRENCY,
    webhookReceiverConcurrency: v.WEBHOOK_RECEIVER_CONCURRENCY,
    webhookRetentionDays: v.WEBHOOK_RETENTION_DAYS,
    domainVerifyResolve: v.DOMAIN_VERIFY_RESOLVE ?? new Map(),
    domainVerifyTimeoutMs: v.DOMAIN_VERIFY_TIMEOUT_MS,
    // Heroku's router is exactly one hop and appends the address it saw to X-Forwarded-For.
    trustProxyHops: v.TRUST_PROXY ?? (onHeroku ? 1 : 0),
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT,
    workerConcurrency: v.WORKER_CONCURRENCY,
    metricsToken: v.METRICS_TOKEN ?? null,
    metricsPort: v.METRICS_PORT ?? null,
    clickRetentionDays: v.CLICK_RETENTION_DAYS ?? null,
    signup: v.SIGNUP,
    sessionIdleDays: v.SESSION_IDLE_DAYS,
    sessionLifetimeDays: v.SESSION_LIFETIME_DAYS,
    passwordHashCost: v.PASSWORD_HASH_COST,
    publicLimits: { apiPerMinute: v.PUBLIC_API_PER_MINUTE, pagesPerMinute: v.PUBLIC_PAGES_PER_MINUTE, cardRendersPerMinute: v.CARD_RENDERS_PER_MINUTE },
  };
}


export function withAppSecret(settings: Settings, appSecret: string): Config {
  return { ...settings, appSecret };
}

/** The configuration of a caller that brings its own APP_SECRET in `env` (tests, benchmarks); refuses without one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const settings = loadSettings(env);
  if (!settings.appSecret) throw new ConfigError('Invalid configuration: APP_SECRET is not set (the entry points in src/bin use the instance secret instead)');
  return withAppSecret(settings, settings.appSecret);
}
