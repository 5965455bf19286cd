import { timeOrderedId } from '../lib/event-ids';
import type { RedisClient } from '../redis';
import type { InstallEvent, InstallEventType, InstallProgressMark } from '../lib/edge-events';
import type { Logger } from '../logger';
import { keyedHash, randomBase62 } from '../lib/secrets';
import { boundUserAgent } from '../lib/visitor-bounds';
import type { EventBuffer } from './event-buffer';
import { withTimeout } from '../lib/timeout';

export interface InstallTrackerOptions {
  /** Events logged per client IP per hour; past it git keeps working and logging pauses. */
  limitPerHour: number;
  /** An install's requests share a session while they come less than this apart. */
  sessionWindowSeconds: number;
  /** Longest wait for Redis before the event is minted without it. */
  redisTimeoutMs: number;
}

export const DEFAULT_INSTALL_TRACKING: InstallTrackerOptions = { limitPerHour: 100, sessionWindowSeconds: 600, redisTimeoutMs: 1000 };

export interface InstallSighting {
  packageId: number;
  subpath: string | null;
  type: InstallEventType;
  at: number;
  ip: string;
  userAgent: string;
  /** A pack (or .nupkg) sent in full: an install, which ends the client's session. */
  delivered?: boolean;
  /** The client's install id: it is the session. */
  installId?: string | null;
}

// One round trip: count the IP's hour, and past the limit stop. Else, by mode: 'fixed' (the
// client named its install) takes the candidate as it is; 'open' reuses the client's open
// session for this package (sliding its window) or opens the candidate one; 'close' (a pack was
// delivered: the install is done) takes the open session, or the candidate, and ends it, so the
// next clone from the same machine is a new install.
const ADMIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], 3600) end
if n > tonumber(ARGV[1]) then return false end
if ARGV[4] == 'fixed' then return ARGV[2] end
local s = redis.call('GET', KEYS[2])
if ARGV[4] == 'close' then
  if s then redis.call('DEL', KEYS[2]) return s end
  return ARGV[2]
end
if s then redis.call('EXPIRE', KEYS[2], ARGV[3]) return s end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return ARGV[2]`;

/**
 * Turns proxied git requests into install events: rate limited per IP, grouped into sessions
 * (the client's install id when the URL named one; else same keyed IP + user agent, same
 * package, requests less than the window apart, until a delivered pack ends the install), then
 * handed to the event buffer. Nothing here is awaited by the proxy: git never waits on Redis. When Redis
 * cannot answer, the event is still minted, with a session derived from the client and the
 * current window, and unlimited (the buffer bounds it), so an outage loses no installs.
 */
export class InstallTracker {
  unavailable = 0;
  private readonly admitting = new Set<Promise<void>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly buffer: EventBuffer<InstallEvent>,
    private readonly progress: EventBuffer<InstallProgressMark>,
    private readonly settings: { appSecret: string; redisPrefix: string },
    private readonly logger: Logger,
    private readonly options: InstallTrackerOptions = DEFAULT_INSTALL_TRACKING,
  ) {}

  private pendingAnswers = 0;

  /** Sightings still waiting for Redis, not yet in the buffer (or dropped by the limit), or for their answer to end. */
  get inFlight(): number {
    return this.admitting.size + this.pendingAnswers;
  }

  /**
   * A sighting that will be recorded when its answer ends (an upload-pack: only then is delivery
   * known). Counts in inFlight until the returned release is called, so nothing that waits for
   * the tracker to settle misses it.
   */
  awaitAnswer(): () => void {
    this.pendingAnswers++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pendingAnswers--;
    };
  }

  record(sighting: InstallSighting): void {
    const admission = this.admit({ ...sighting, userAgent: boundUserAgent(sighting.userAgent) }).finally(() => this.admitting.delete(admission));
    this.admitting.add(admission);
  }

  /**
   * A step of an install the client named. Not counted against the logging limit: it is no
   * analytics event and carries no visitor data, and the client is waiting to see it.
   */
  advance(mark: InstallProgressMark): void {
    this.progress.push(mark);
  }

  /** Resolves once every sighting so far is in the buffer or dropped (at most redisTimeoutMs): shutdown waits for it. */
  async settle(): Promise<void> {
    await Promise.all([...this.admitting]);
  }

  private async admit(sighting: InstallSighting): Promise<void> {
    try {
      const sessionId = await this.sessionFor(sighting);
      if (sessionId === null) return; // over the IP's hourly limit: logging pauses
      this.buffer.push({ id: timeOrderedId(sighting.at), packageId: sighting.packageId, type: sighting.type, sessionId, at: sighting.at, ip: sighting.ip, userAgent: sighting.userAgent, subpath: sighting.subpath, delivered: sighting.delivered ?? false, ...(sighting.installId ? { installId: sighting.installId } : {}) });
    } catch (err) {
      this.logger.error({ category: 'installs', err: (err as Error).message }, 'install event lost');
    }
  }

  private async sessionFor(s: InstallSighting): Promise<string | null> {
    const ipKey = keyedHash(this.settings.appSecret, 'git-ip', s.ip).slice(0, 32);
    const clientKey = keyedHash(this.settings.appSecret, 'git-client', `${s.ip}\0${s.userAgent}`).slice(0, 32);
    // The IP hash is the hash tag: both keys land in one Redis Cluster slot, as a script needs.
    const base = `${this.settings.redisPrefix}:git:{${ipKey}}`;
    // An install id decides the session: the client's requests of one install share it, whatever its address does.
    const candidate = s.installId ? `sess_${s.installId}` : `sess_${randomBase62(20)}`;
    const mode = s.installId ? 'fixed' : s.delivered ? 'close' : 'open';
    try {
      const answer = await withTimeout(
        this.redis.eval(ADMIT, 2, `${base}:hour`, `${base}:session:${s.packageId}:${clientKey}`, this.options.limitPerHour, candidate, this.options.sessionWindowSeconds, mode),
        this.options.redisTimeoutMs,
        'redis',
      );
      return typeof answer === 'string' ? answer : null;
    } catch (err) {
      this.unavailable++;
      if (this.unavailable === 1 || this.unavailable % 1000 === 0) {
        this.logger.warn({ category: 'installs', unavailable: this.unavailable, err: (err as Error).message }, 'install tracking without Redis: sessions derived locally, no rate limit');
      }
      if (s.installId) return candidate;
      const window = Math.floor(s.at / (this.options.sessionWindowSeconds * 1000));
      return `sess_${keyedHash(this.settings.appSecret, 'git-session', `${s.packageId}:${clientKey}:${window}`).slice(0, 24)}`;
    }
  }
}
