import type { ClickEvent } from '../lib/edge-events';
import type { Logger } from '../logger';
import { EventBuffer, type EventBatch, type EventBufferOptions } from './event-buffer';

export type ClickBatch = EventBatch<ClickEvent>;
export type ClickBufferOptions = EventBufferOptions;

export const DEFAULT_CLICK_BUFFER: ClickBufferOptions = { maxBatch: 500, flushMs: 20, capacity: 250_000, retryMs: 1000, sendTimeoutMs: 5000 };

/**
 * Clicks leave the redirector in batches (the generic EventBuffer): one queue job every 20 ms
 * or 500 clicks; the redirect never waits for a send.
 */
export class ClickBuffer extends EventBuffer<ClickEvent> {
  constructor(send: (batch: ClickBatch) => Promise<void>, logger: Logger, options: ClickBufferOptions = DEFAULT_CLICK_BUFFER) {
    super(send, logger, options, 'clicks');
  }
}
