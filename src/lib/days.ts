/**
 * UTC days: the one day length, the one day string and the one "window of days". UTC has no
 * daylight saving, so every day is DAY_MS long.
 */
export const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' of a moment, in UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Epoch milliseconds of the UTC midnight that starts the day of `at`. */
export function utcMidnight(at: Date): number {
  return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
}

/** The UTC day after `day` ('YYYY-MM-DD'). */
export function nextDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS));
}

export interface DayWindow {
  /** Midnight UTC of the first day. */
  start: Date;
  /** Midnight UTC after today: the window is [start, end). */
  end: Date;
}

/**
 * A window of `days` days always means the same: that many whole UTC days ending with today,
 * today included. PVTLNK's attribution window of N days is daysEndingToday(N). pkglnk's
 * `?days=N` is, as its seed draws it, the N days before today plus today: daysEndingToday(N + 1).
 */
export function daysEndingToday(days: number, now = new Date()): DayWindow {
  const end = utcMidnight(now) + DAY_MS;
  return { start: new Date(end - days * DAY_MS), end: new Date(end) };
}

/** Every UTC day of a window, oldest first, as 'YYYY-MM-DD'. */
export function daysOf(window: DayWindow): string[] {
  const days: string[] = [];
  for (let t = window.start.getTime(); t < window.end.getTime(); t += DAY_MS) days.push(utcDay(new Date(t)));
  return days;
}
