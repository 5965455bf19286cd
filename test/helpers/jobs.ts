import { request, type JsonResponse } from './http';
import type { Stack } from './stack';
import { waitFor } from './wait';

/** Runs `fn` while the stack's worker `name` takes no new job, so what `fn` enqueues stays queued until it has returned. */
export async function whileWorkerPaused<T>(stack: Stack, name: string, fn: () => Promise<T>): Promise<T> {
  const worker = stack.workers?.workers.find((w) => w.name === name);
  if (!worker) throw new Error(`the stack runs no ${name} worker`);
  await worker.pause();
  try {
    return await fn();
  } finally {
    worker.resume();
  }
}

/** Polls a job's status URL until it says completed, and answers that last poll. */
export function waitForCompletedJob(statusUrl: string, auth: Record<string, string>, what: string): Promise<JsonResponse> {
  return waitFor(async () => {
    const poll = await request(statusUrl, { headers: auth });
    return poll.body.status === 'completed' ? poll : undefined;
  }, { what });
}
