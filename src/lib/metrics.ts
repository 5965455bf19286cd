import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus instrument of a process, in one registry. Instruments are in-memory and
 * cheap: the surfaces record into them; readings that need I/O (queue depths, the pool, rollup
 * lag) are gathered at scrape time by queues/metrics-readings.ts. Labels are templates and names,
 * never raw paths, codes or ids, so their number stays bounded.
 */
export const metrics = new Registry();

/** The route template of a short-link redirect, GET /:short_code. */
export const REDIRECT_ROUTE = '/{code}';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Short-link redirects answered, by method and status, in plain numbers: added to
 * linktally_http_requests_total when it is read (its collect hook). A labelled prom-client
 * increment hashes its labels on every call, a measurable share of a redirect's CPU.
 */
const redirectsAnswered = new Map<string, Map<number, number>>();

export function countRedirect(method: string, status: number): void {
  let byStatus = redirectsAnswered.get(method);
  if (byStatus === undefined) redirectsAnswered.set(method, (byStatus = new Map()));
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
}

export const httpRequests = new Counter({
  name: 'linktally_http_requests_total', help: 'HTTP requests answered, by route template',
  labelNames: ['method', 'route', 'status'] as const, registers: [metrics],
  collect() {
    for (const [method, byStatus] of redirectsAnswered) {
      for (const [status, n] of byStatus) this.inc({ method, route: REDIRECT_ROUTE, status: String(status) }, n);
    }
    redirectsAnswered.clear();
  },
});

export const httpDuration = new Histogram({
  name: 'linktally_http_request_duration_seconds', help: 'HTTP request latency, by route template (short-link redirects: linktally_redirect_duration_seconds)',
  labelNames: ['method', 'route'] as const, buckets: LATENCY_BUCKETS, registers: [metrics],
});

export const redirectDuration = new Histogram({
  name: 'linktally_redirect_duration_seconds', help: 'Short-link redirect latency',
  buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [metrics],
});

export const jobDuration = new Histogram({
  name: 'linktally_job_duration_seconds', help: 'Job processing time, by job name and outcome',
  labelNames: ['job', 'outcome'] as const, buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300], registers: [metrics],
});

export const jobFailures = new Counter({
  name: 'linktally_job_failures_total', help: 'Job attempts that threw, by job name',
  labelNames: ['job'] as const, registers: [metrics],
});

export const webhookOutcomes = new Counter({
  name: 'linktally_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome (succeeded, retrying, failed)',
  labelNames: ['outcome'] as const, registers: [metrics],
});
