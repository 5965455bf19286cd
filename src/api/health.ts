import type { Router } from 'express';
import type { Services } from '../services';
import { withTimeout } from '../lib/timeout';
import type { ProbeResult, Readiness } from './health.schema';

async function check(probe: () => Promise<unknown>): Promise<ProbeResult> {
  try {
    await withTimeout(probe(), 1000, 'health probe');
    return 'ok';
  } catch {
    return 'unavailable';
  }
}

/** Liveness says the process answers; readiness says its dependencies do too. */
export function mountHealth(router: Router, services: Services, isStopping: () => boolean = () => false): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    // From the moment shutdown starts the load balancer must stop sending: not ready, whatever the probes say.
    if (isStopping()) {
      res.status(503).json({ status: 'stopping' } satisfies Readiness);
      return;
    }
    const [postgres, redis] = await Promise.all([
      check(() => services.db.raw('select 1')),
      check(() => services.redis.ping()),
    ]);
    const ready = postgres === 'ok' && redis === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { postgres, redis } } satisfies Readiness);
  });
}
