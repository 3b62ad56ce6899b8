import { PaperboyError } from '../errors.ts';
import type { NewSubscription, Platform, Rhythm, Subscription } from './digest-store.ts';

/**
 * When a new subscription is due, as both engines store it: without a rhythm a channel digest is daily and a watch
 * checked every 15 minutes; a weekly one needs its day, and only a weekly one keeps a day.
 *
 * @throws PaperboyError `invalid_query` for a weekly subscription without a day
 */
export function toSubscriptionSchedule(input: NewSubscription): { rhythm: Rhythm; weekday: number | null } {
  const rhythm = input.rhythm ?? (input.kind === 'watch' ? 'quarter-hourly' : 'daily');
  if (rhythm === 'weekly' && (input.weekday === undefined || input.weekday === null)) {
    throw new PaperboyError('invalid_query', 'A weekly subscription needs its day, like weekly mon.');
  }
  return { rhythm, weekday: rhythm === 'weekly' ? (input.weekday ?? null) : null };
}

/**
 * Whether a stored subscription posts "no new papers". A watch checked every 15 minutes never does, even one an
 * older version saved with `empty`: the subscription says so, so no reader has to remember it. A watch with a
 * rhythm may.
 */
export const postsEmpty = (saved: boolean, rhythm: Rhythm): boolean => saved && rhythm !== 'quarter-hourly';

/** The columns of `subscriptions` a new subscription is written with, in the order of {@link toSubscriptionValues}. */
export const SUBSCRIPTION_COLUMNS = [
  'platform',
  'channel',
  'kind',
  'rhythm',
  'weekday',
  'query',
  'time',
  'tz',
  'watermark',
  'post_empty',
  'ranked',
  'space',
  'created_by',
  'created_at',
] as const;

/**
 * The values a new subscription is written with, by {@link SUBSCRIPTION_COLUMNS}: its schedule by
 * {@link toSubscriptionSchedule}, created at `now`.
 *
 * @throws PaperboyError `invalid_query` for a weekly subscription without a day
 */
export function toSubscriptionValues(input: NewSubscription, now: Date): (string | number | boolean | Date | null)[] {
  const { rhythm, weekday } = toSubscriptionSchedule(input);
  return [
    input.platform,
    input.channel,
    input.kind,
    rhythm,
    weekday,
    input.query,
    input.time,
    input.tz,
    input.watermark,
    input.postEmpty,
    input.ranked ?? false,
    input.space ?? null,
    input.createdBy,
    now,
  ];
}

/**
 * A row of `subscriptions` as either engine reads it: integers may come as strings (PostgreSQL's bigint), flags
 * as 0/1 (SQLite) or booleans, the creation time as text or a Date.
 */
export interface SubscriptionRow {
  id: number | string;
  platform: string;
  channel: string;
  kind: string;
  rhythm: string;
  weekday: number | null;
  query: string;
  time: string;
  tz: string;
  watermark: number | string;
  paused: number | boolean;
  post_empty: number | boolean;
  ranked: number | boolean;
  space: string | null;
  created_by: string | null;
  created_at: string | Date;
}

const isSet = (flag: number | boolean) => flag === true || flag === 1;

/** A subscription row as the store contract gives it ({@link postsEmpty} applied). */
export const toSubscription = (row: SubscriptionRow): Subscription => ({
  id: Number(row.id),
  platform: row.platform as Platform,
  channel: row.channel,
  kind: row.kind as Subscription['kind'],
  rhythm: row.rhythm as Rhythm,
  weekday: row.weekday,
  query: row.query,
  time: row.time,
  tz: row.tz,
  watermark: Number(row.watermark),
  paused: isSet(row.paused),
  postEmpty: postsEmpty(isSet(row.post_empty), row.rhythm as Rhythm),
  ranked: isSet(row.ranked),
  space: row.space,
  createdBy: row.created_by,
  createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at,
});
