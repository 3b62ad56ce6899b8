import type { DigestStore, Platform } from './digest-store.ts';

/**
 * The most subscriptions one channel may have (digests posted there), so that one person cannot make the minute's
 * tick work through thousands of them.
 */
export const MAX_SUBSCRIPTIONS_PER_CHANNEL = 25;
/**
 * The most watches one person may have (direct-message digests; follows of authors will count as watches too):
 * each is looked at every 15 minutes.
 */
export const MAX_WATCHES_PER_PERSON = 50;

/**
 * Why a new subscription is refused, or undefined when the channel (or, for a watch, the person) is under its cap.
 * Every kind but `channel` is a person's (`watch`, and follows to come), so they share the person's cap.
 */
export async function subscriptionCapReached(
  digests: DigestStore,
  where: { platform: Platform; channel: string; kind: 'channel' | 'watch' },
): Promise<string | undefined> {
  const existing = await digests.listSubscriptions({ platform: where.platform, channel: where.channel });
  if (where.kind === 'channel') {
    const count = existing.filter((s) => s.kind === 'channel').length;
    if (count < MAX_SUBSCRIPTIONS_PER_CHANNEL) return undefined;
    return `This channel has ${count} digest subscriptions, the most a channel can have (${MAX_SUBSCRIPTIONS_PER_CHANNEL}). Remove one first (/digest list, then /digest unsubscribe ID), or widen an existing query.`;
  }
  const count = existing.filter((s) => s.kind !== 'channel').length;
  if (count < MAX_WATCHES_PER_PERSON) return undefined;
  return `You have ${count} watches, the most one person can have (${MAX_WATCHES_PER_PERSON}). Remove one first (/digest list, then /digest unsubscribe ID), or widen an existing watch's query.`;
}
