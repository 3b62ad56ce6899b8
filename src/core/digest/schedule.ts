import { Cron } from 'croner';
import type { Rhythm, Subscription } from './digest-store.ts';

/** Personal watches without a rhythm are checked this often. */
export const WATCH_PATTERN = '*/15 * * * *';

/** Day names by cron's numbering (0 = Sunday), as `/digest list` shows them. */
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/**
 * The day a word names, by cron's numbering (0 = Sunday … 6 = Saturday): the three-letter form or the full name,
 * in any case. Undefined for anything else (`tues`, `mo`, `1`).
 *
 * @example
 * toWeekday('MON'); // 1
 * toWeekday('sunday'); // 0
 */
export function toWeekday(word: string): number | undefined {
  const lower = word.toLowerCase();
  const day = WEEKDAY_NAMES.findIndex(
    (name) => name.toLowerCase() === lower || name.slice(0, 3).toLowerCase() === lower,
  );
  return day === -1 ? undefined : day;
}

/** What decides when a subscription is due. */
export type Schedule = Pick<Subscription, 'rhythm' | 'weekday' | 'time'>;

/**
 * The croner pattern of a subscription: at `HH:MM` every day, Monday to Friday (`weekdays`) or on one day of the
 * week (`weekly`); a watch without a rhythm every 15 minutes.
 *
 * @example
 * patternOf({ rhythm: 'weekly', weekday: 1, time: '09:00' }); // '0 9 * * 1'
 */
export function patternOf({ rhythm, weekday, time }: Schedule): string {
  if (rhythm === 'quarter-hourly') return WATCH_PATTERN;
  const [hours = '9', minutes = '0'] = time.split(':');
  const days = rhythm === 'weekdays' ? '1-5' : rhythm === 'weekly' ? String(weekday ?? 1) : '*';
  return `${Number(minutes)} ${Number(hours)} * * ${days}`;
}

/** How a schedule reads in `/digest list`: `daily at 09:00`, `weekdays at 09:00`, `weekly on Monday at 09:00`. */
export function describeRhythm({ rhythm, weekday, time }: Schedule): string {
  if (rhythm === 'quarter-hourly') return 'as papers arrive (checked every 15 minutes)';
  const on = rhythm === 'weekly' ? ` on ${WEEKDAY_NAMES[weekday ?? 1]}` : '';
  return `${rhythm}${on} at ${time}`;
}

/** The rhythms a person can ask for; `quarter-hourly` is what a watch without one does. */
export const RHYTHMS: readonly Rhythm[] = ['daily', 'weekdays', 'weekly'];

/**
 * The latest scheduled instant at or before `now`, in the subscription's time zone (croner handles
 * daylight-saving changes: 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer; a time that does not
 * exist on the day clocks go forward, 02:30, is taken as 03:00, and one that happens twice counts once).
 */
export function lastDueAt(pattern: string, tz: string, now: Date): Date | undefined {
  const cron = new Cron(pattern, { timezone: tz, paused: true });
  try {
    // previousRuns looks strictly before the reference: a digest due exactly now counts as due.
    return cron.previousRuns(1, new Date(now.getTime() + 1))[0];
  } finally {
    cron.stop();
  }
}

/** The next scheduled instant after `now`. */
export function nextDueAt(pattern: string, tz: string, now: Date): Date | undefined {
  const cron = new Cron(pattern, { timezone: tz, paused: true });
  try {
    return cron.nextRun(now) ?? undefined;
  } finally {
    cron.stop();
  }
}

/** `HH:MM` on a 24-hour clock. */
export const isClockTime = (text: string): boolean => /^([01]?\d|2[0-3]):[0-5]\d$/.test(text);

/** A zone's proper name, however it was typed: `europe/berlin` is `Europe/Berlin`, `utc` is `UTC`. */
export const toZoneName = (zone: string): string =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;

export const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
