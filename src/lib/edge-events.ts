/**
 * Events minted at the public edge and carried through the queues. They hold the raw
 * visitor attributes only in transit: workers hash them and the jobs are removed on completion.
 */
export interface ClickEvent {
  /** Minted at the edge; the idempotency key of the stored click. */
  id: string;
  /** Integer click id minted at the edge (links with append_click_id); otherwise the database assigns one. */
  clickId?: number;
  linkId: number;
  userId: number;
  variantId: number | null;
  /** Epoch milliseconds at the edge. */
  at: number;
  ip: string;
  userAgent: string;
  referrer: string | null;
}

export type InstallEventType = 'clone_start' | 'fetch_objects' | 'lfs';

/**
 * One proxied git request (ref discovery, upload-pack or LFS batch), minted by the git proxy.
 * The raw IP and user agent travel only to the worker, which hashes and parses them.
 */
export interface InstallEvent {
  /** Minted at the edge; the idempotency key of the stored install event. */
  id: string;
  packageId: number;
  type: InstallEventType;
  /** Groups the events of one install: "sess_…", from Redis (same client, short window). */
  sessionId: string;
  /** Epoch milliseconds at the edge. */
  at: number;
  ip: string;
  userAgent: string;
  /** The package's git_path when the event was minted. */
  subpath: string | null;
}
