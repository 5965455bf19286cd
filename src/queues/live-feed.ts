import type { ClickRow, InsertedClick } from '../db/click-store';
import type { InstallRow } from '../db/install-store';
import { redisKey } from '../lib/redis-keys';
import type { RedisClient } from '../redis';
import type { Services } from '../services';

/**
 * The live feed behind GET /api/v1/live. Workers publish each click and install they have just
 * stored on one Redis channel; every web process subscribes once and hands each message to the
 * open event streams of its owner. Nothing polls the database, and a message carries only
 * derived values (never an IP or a user agent). Pub/sub is fire-and-forget: a browser that was
 * not connected misses the event, which is what a live view wants (the charts read the rollups).
 */

export type LiveEvent =
  | { kind: 'click'; at: string; link_id: number; variant_id: number | null; country: string | null; device: string | null; browser: string | null; os: string | null; referrer: string | null }
  | { kind: 'install'; at: string; package_id: number; slug: string; country: string | null; os: string | null };

interface Envelope {
  user_id: number;
  event: LiveEvent;
}

export function liveChannel(services: Pick<Services, 'config'>): string {
  return redisKey(services.config, 'live');
}

/**
 * Set while some web process has a live stream open (refreshed while it does, so it lapses
 * with a process that died). Most batches are stored with nobody watching: the worker then
 * builds and sends nothing (a batch's events, as JSON, were a tenth of its ingest work).
 */
function listeningKey(services: Pick<Services, 'config'>): string {
  return redisKey(services.config, 'live:listening');
}

const LISTENING_TTL_MS = 60_000;
const LISTENING_REFRESH_MS = 20_000;

async function anyoneListening(services: Services): Promise<boolean> {
  try {
    return (await services.redis.exists(listeningKey(services))) > 0;
  } catch (err) {
    services.logger.warn({ category: 'live', err: (err as Error).message }, 'could not publish live events');
    return false;
  }
}

async function publish(services: Services, envelopes: Envelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  try {
    // One message per batch keeps a burst of clicks to one publish.
    await services.redis.publish(liveChannel(services), JSON.stringify(envelopes));
  } catch (err) {
    // The events are stored; a live view missing them is the only loss.
    services.logger.warn({ category: 'live', err: (err as Error).message }, 'could not publish live events');
  }
}

/** After ingest-clicks stored a batch: the clicks actually inserted (not bots), with their enriched fields. */
export async function publishClicks(services: Services, rows: readonly ClickRow[], inserted: readonly InsertedClick[]): Promise<void> {
  if (inserted.length === 0 || !(await anyoneListening(services))) return;
  const byEvent = new Map(rows.map((r) => [r.event_id, r]));
  await publish(services, inserted.filter((c) => !c.is_bot).map((c) => {
    const row = byEvent.get(c.event_id);
    return {
      user_id: c.user_id,
      event: {
        kind: 'click', at: c.clicked_at.toISOString(), link_id: c.link_id, variant_id: c.variant_id,
        country: row?.country_code ?? null, device: row?.device_type ?? null, browser: row?.browser_family ?? null,
        os: row?.os_family ?? null, referrer: row?.referrer_domain ?? null,
      },
    };
  }));
}

/** After ingest-installs stored a batch: one event per clone that started. */
export async function publishInstalls(services: Services, rows: readonly InstallRow[]): Promise<void> {
  const clones = rows.filter((r) => r.event_type === 'clone_start');
  if (clones.length === 0 || !(await anyoneListening(services))) return;
  let owners: Array<{ id: number; user_id: number; slug: string }>;
  try {
    owners = (await services.db.raw<{ rows: typeof owners }>('SELECT id, user_id, slug FROM packages WHERE id = ANY(?::bigint[])', [[...new Set(clones.map((r) => r.package_id))]])).rows;
  } catch (err) {
    services.logger.warn({ category: 'live', err: (err as Error).message }, 'could not look up package owners for live events');
    return;
  }
  const byId = new Map(owners.map((p) => [Number(p.id), p]));
  await publish(services, clones.flatMap((r) => {
    const pkg = byId.get(r.package_id);
    if (!pkg) return [];
    return [{ user_id: Number(pkg.user_id), event: { kind: 'install' as const, at: r.occurred_at.toISOString(), package_id: r.package_id, slug: pkg.slug, country: r.country_code ?? null, os: r.os ?? null } }];
  }));
}

type Listener = (event: LiveEvent) => void;
interface Stream {
  send: Listener;
  /** Called when the process shuts down, so open streams do not hold the server open. */
  end: () => void;
}

/** One subscriber connection per web process, fanned out to the open streams by user. */
export class LiveHub {
  private readonly listeners = new Map<number, Set<Stream>>();
  private subscriber: RedisClient | undefined;
  private refresh: NodeJS.Timeout | undefined;

  /**
   * `connect` opens the subscriber as the process opens every Redis connection (redis.ts:
   * TLS settings, one Redis or a Cluster), so the feed works wherever the queues do.
   */
  constructor(
    private readonly services: Services,
    private readonly connectSubscriber: () => RedisClient,
  ) {}

  listen(userId: number, listener: Stream): () => void {
    this.connect();
    if (this.listeners.size === 0) void this.markListening();
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  /** Tells the workers someone watches (listeningKey), now and every while as long as someone does. */
  private markListening(): Promise<void> {
    if (!this.refresh) {
      this.refresh = setInterval(() => {
        if (this.listeners.size > 0) void this.markListening();
      }, LISTENING_REFRESH_MS);
      this.refresh.unref();
    }
    return this.services.redis.set(listeningKey(this.services), '1', 'PX', LISTENING_TTL_MS).then(
      () => undefined,
      (err: Error) => this.services.logger.warn({ category: 'live', err: err.message }, 'could not mark the live feed as watched'),
    );
  }

  private connect(): void {
    if (this.subscriber) return;
    // A subscribed connection can issue no other command, so it is never the shared one.
    const subscriber = this.connectSubscriber();
    this.subscriber = subscriber;
    subscriber.on('error', (err) => this.services.logger.warn({ category: 'live', err: err.message }, 'live subscriber lost Redis'));
    subscriber.on('message', (_channel: string, message: string) => this.deliver(message));
    void subscriber.subscribe(liveChannel(this.services)).catch(() => undefined);
  }

  private deliver(message: string): void {
    let envelopes: Envelope[];
    try {
      envelopes = JSON.parse(message) as Envelope[];
    } catch {
      return;
    }
    for (const { user_id, event } of envelopes) {
      for (const stream of this.listeners.get(user_id) ?? []) stream.send(event);
    }
  }

  /** Resolves once subscribed (tests wait for it before producing events). */
  async ready(): Promise<void> {
    this.connect();
    await this.subscriber?.subscribe(liveChannel(this.services));
    await this.markListening();
  }

  close(): void {
    if (this.refresh) clearInterval(this.refresh);
    this.refresh = undefined;
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    for (const set of this.listeners.values()) for (const stream of set) stream.end();
    this.listeners.clear();
  }
}

const hubs = new WeakMap<Services, LiveHub>();

/** The web process makes its hub at start; it subscribes on first use, so a process that never streams never does. */
export function openLiveHub(services: Services, connectSubscriber: () => RedisClient): LiveHub {
  const hub = new LiveHub(services, connectSubscriber);
  hubs.set(services, hub);
  return hub;
}

export function liveHubFor(services: Services): LiveHub {
  const hub = hubs.get(services);
  if (!hub) throw new Error('No live hub in this process: the web process opens it (web.ts)');
  return hub;
}

export function closeLiveHub(services: Services): void {
  hubs.get(services)?.close();
  hubs.delete(services);
}
