import { describe, expect, it } from 'vitest';
import { discordVote, singlePaperOf, slackVote } from '../../../src/core/foryou/reactions.ts';

describe('reaction votes', () => {
  it('Slack: +1 / -1 (and thumbsup / thumbsdown) with any skin tone; other names are none', () => {
    expect(['+1', '+1::skin-tone-2', 'thumbsup::skin-tone-6'].map(slackVote)).toEqual(['up', 'up', 'up']);
    expect(['-1', '-1::skin-tone-5', 'thumbsdown'].map(slackVote)).toEqual(['down', 'down', 'down']);
    expect(['tada', '+1-1', 'heart::skin-tone-2', ''].map(slackVote)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('Discord: 👍 / 👎 in any skin tone; custom and other emoji are none', () => {
    expect(['👍', '👍🏻', '👍🏿', '👍️'].map(discordVote)).toEqual(['up', 'up', 'up', 'up']);
    expect(['👎', '👎🏽'].map(discordVote)).toEqual(['down', 'down']);
    expect(['🎉', 'thumbsup', null, undefined, '👍👍'].map(discordVote)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('only a papers answer with exactly one card holds a single paper', () => {
    const page = { current: { type: 'foryou' as const, page: 1 }, page: 1, pageSize: 5, total: 1 };
    const card = (id: number) => ({ id, title: 't', url: 'u' }) as never;
    expect(singlePaperOf({ kind: 'papers', heading: 'h', cards: [card(7)], page })).toBe(7);
    expect(singlePaperOf({ kind: 'papers', heading: 'h', cards: [card(7), card(8)], page })).toBeUndefined();
    expect(singlePaperOf({ kind: 'notice', text: 'x' })).toBeUndefined();
  });
});
