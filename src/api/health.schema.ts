import { z } from 'zod';

/** The health probes' answers, as health.ts writes them and the OpenAPI document names them. */

const probe = z.enum(['ok', 'unavailable']);

export const readiness = z.object({
  status: z.enum(['ready', 'unavailable', 'stopping']),
  checks: z.object({ postgres: probe, redis: probe }).optional().describe('Absent while stopping: nothing is probed then'),
}).meta({ id: 'Readiness', description: 'A readiness answer' });

export type Readiness = z.output<typeof readiness>;
export type ProbeResult = z.output<typeof probe>;
