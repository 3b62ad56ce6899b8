import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../../src/core/digest/digest-store.ts';
import { findIdentical, type SubscriptionShape } from '../../../src/core/digest/identical-subscription.ts';

const base: SubscriptionShape = {
  platform: 'slack',
  channel: 'C1',
  kind: 'channel',
  rhythm: 'daily',
  weekday: null,
  query: 'reward hacking',
  time: '09:00',
  tz: 'Europe/Berlin',
  postEmpty: false,
};
const stored = (shape: SubscriptionShape, id = 1): Subscription => ({
  ...shape,
  id,
  watermark: 0,
  paused: false,
  ranked: false,
  space: null,
  createdBy: 'U1',
  createdAt: '2026-11-28T12:00:00.000Z',
});

describe('findIdentical', () => {
  it('R10: finds the subscription that would post the same digest, whatever the case and spacing of its query', () => {
    expect(findIdentical([stored(base)], { ...base, query: 'Reward   Hacking' })?.id).toBe(1);
  });

  it('lets through what differs in place, time, zone, rhythm, day, empty days or query', () => {
    const others: SubscriptionShape[] = [
      { ...base, channel: 'C2' },
      { ...base, time: '10:00' },
      { ...base, tz: 'UTC' },
      { ...base, rhythm: 'weekly', weekday: 1 },
      { ...base, postEmpty: true },
      { ...base, query: 'reward hacking since:2024' },
      { ...base, platform: 'discord' },
    ];
    for (const other of others) expect(findIdentical([stored(base)], other)).toBeUndefined();
  });

  it('a watch checked every 15 minutes has no time of day to differ in', () => {
    const watch: SubscriptionShape = { ...base, kind: 'watch', channel: 'U1', rhythm: 'quarter-hourly' };
    expect(findIdentical([stored(watch)], { ...watch, time: '10:00' })?.id).toBe(1);
  });
});
