import { Cron } from 'croner';

/** Personal watches are checked this often; a channel digest runs once a day at its time. */
export const WATCH_PATTERN = '*/15 * * * *';

/** The croner pattern of a subscription: daily at `HH:MM`, or the watch interval. */
export function patternOf(kind: 'channel' | 'watch', time: string): string {
  if (kind === 'watch') return WATCH_PATTERN;
  const [hours = '9', minutes = '0'] = time.split(':');
  return `${Number(minutes)} ${Number(hours)} * * *`;
}

/**
 * The latest scheduled instant at or before `now`, in the subscription's time zone (croner handles
 * daylight-saving changes: 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer).
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
