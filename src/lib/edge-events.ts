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
  /** Set for a QR scan (the short URL's qr=1 marker); absent means an ordinary click. */
  trigger?: 'qr';
  /** The targeting rule that chose the destination, when one matched. */
  ruleId?: number;
}

export type InstallEventType = 'clone_start' | 'fetch_objects' | 'lfs' | 'nupkg_download';

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
  /** The request delivered a pack (or a .nupkg) in full: this event is an install. Absent: false. */
  delivered?: boolean;
  /** The client's install id (the URL's ?install=), when it carried one. */
  installId?: string;
}

/** The pkglnk client's install ids (InstallProgressTracker.GenerateInstallId): 16 lower-case hex digits. */
export const INSTALL_ID_PATTERN = /^[0-9a-f]{16}$/;

/** Where an install stands, as GET /api/v1/install-progress/:id shows it. */
export const INSTALL_PHASES = ['pending', 'resolving', 'downloading', 'complete', 'failed'] as const;
export type InstallPhase = (typeof INSTALL_PHASES)[number];

/**
 * A step of an install the client named with an install id, seen by the proxy: ref discovery
 * (resolving), the pack requested (downloading), the pack sent (complete) or not (failed).
 * Carries no visitor data.
 */
export interface InstallProgressMark {
  installId: string;
  packageId: number;
  phase: Exclude<InstallPhase, 'pending'>;
  /** Epoch milliseconds at the edge. */
  at: number;
}
