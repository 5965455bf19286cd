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

type ClickExtras = Pick<ClickEvent, 'clickId' | 'trigger' | 'ruleId'>;
/** [id, linkId, userId, variantId, at, ip, agent index, referrer index or -1, extras when any] */
type PackedClick = [string, number, number, number | null, number, string, number, number, ClickExtras?];

/**
 * A click batch as it travels in its (sealed) job: each user agent and referrer written once,
 * each event a tuple. A batch repeats a few browsers and referrers, and every byte of it is
 * sealed, stored in Redis, read back and opened: packed, a batch of ordinary clicks is about a
 * third of its events' JSON.
 */
export interface PackedClicks {
  v: 2;
  agents: string[];
  referrers: string[];
  events: PackedClick[];
}

function indexer(): { list: string[]; indexOf: (value: string) => number } {
  const list: string[] = [];
  const seen = new Map<string, number>();
  return {
    list,
    indexOf(value) {
      let index = seen.get(value);
      if (index === undefined) seen.set(value, (index = list.push(value) - 1));
      return index;
    },
  };
}

export function packClicks(events: readonly ClickEvent[]): PackedClicks {
  const agents = indexer();
  const referrers = indexer();
  return {
    v: 2,
    agents: agents.list,
    referrers: referrers.list,
    events: events.map((e) => {
      const packed: PackedClick = [e.id, e.linkId, e.userId, e.variantId, e.at, e.ip, agents.indexOf(e.userAgent), e.referrer === null ? -1 : referrers.indexOf(e.referrer)];
      if (e.clickId !== undefined || e.trigger !== undefined || e.ruleId !== undefined) {
        packed.push({ ...(e.clickId !== undefined ? { clickId: e.clickId } : {}), ...(e.trigger !== undefined ? { trigger: e.trigger } : {}), ...(e.ruleId !== undefined ? { ruleId: e.ruleId } : {}) });
      }
      return packed;
    }),
  };
}

/** The events of a batch, packed or (jobs queued before batches were packed) as a plain list. */
export function unpackClicks(batch: PackedClicks | ClickEvent[]): ClickEvent[] {
  if (Array.isArray(batch)) return batch;
  return batch.events.map(([id, linkId, userId, variantId, at, ip, agent, referrer, extras]) => ({
    id, linkId, userId, variantId, at, ip,
    userAgent: batch.agents[agent] ?? '',
    referrer: referrer < 0 ? null : (batch.referrers[referrer] ?? null),
    ...extras,
  }));
}
