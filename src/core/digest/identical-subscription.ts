import { squeezeSpaces } from '../text.ts';
import type { NewSubscription, Subscription } from './digest-store.ts';

/** The part of a new subscription that says what it posts, where and when. */
export type SubscriptionShape = Pick<
  NewSubscription,
  'platform' | 'channel' | 'kind' | 'query' | 'time' | 'tz' | 'postEmpty'
> & { rhythm: Subscription['rhythm']; weekday: number | null };

// Matching ignores case and spacing, so `Reward  Hacking` asks what `reward hacking` asks.
const queryKey = (query: string) => squeezeSpaces(query).toLowerCase();

/**
 * The subscription of `existing` that would post exactly what `wanted` would (same place, query, rhythm, time,
 * zone and empty days), if any: a second one would post every digest twice (a replayed `/digest subscribe`).
 * A watch's time of day counts only when it has a rhythm: one checked every 15 minutes has none.
 *
 * @example findIdentical(await digests.listSubscriptions({ platform, channel }), wanted) // → #3, or undefined
 */
export function findIdentical(existing: readonly Subscription[], wanted: SubscriptionShape): Subscription | undefined {
  const key = queryKey(wanted.query);
  return existing.find(
    (s) =>
      s.platform === wanted.platform &&
      s.channel === wanted.channel &&
      s.kind === wanted.kind &&
      s.rhythm === wanted.rhythm &&
      (s.weekday ?? null) === wanted.weekday &&
      (s.rhythm === 'quarter-hourly' || (s.time === wanted.time && s.tz === wanted.tz)) &&
      s.postEmpty === wanted.postEmpty &&
      queryKey(s.query) === key,
  );
}
