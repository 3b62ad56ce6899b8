import type { Reply } from '../commands/reply.ts';
import { channelOwnerOf } from './foryou-commands.ts';
import { userOwner } from './owner-key.ts';
import type { PostedMessage, TasteStore } from './taste-store.ts';

/** 👍 or 👎. */
export type Vote = 'up' | 'down';

/** The paper a reply holds when it holds exactly one (a single-card answer): reactions on its message count. */
export function singlePaperOf(reply: Reply): number | undefined {
  return reply.kind === 'papers' && reply.cards.length === 1 ? reply.cards[0]?.id : undefined;
}

const SKIN_TONE_SLACK = /::skin-tone-[2-6]$/;

/** A Slack reaction name: `+1` / `thumbsup` and `-1` / `thumbsdown`, with any `::skin-tone-N`. */
export function slackVote(name: string): Vote | undefined {
  const base = name.replace(SKIN_TONE_SLACK, '');
  if (base === '+1' || base === 'thumbsup') return 'up';
  if (base === '-1' || base === 'thumbsdown') return 'down';
  return undefined;
}

// Fitzpatrick modifiers U+1F3FB–U+1F3FF, and a variation selector some clients add.
const SKIN_TONE_UNICODE = /[\u{1F3FB}-\u{1F3FF}\uFE0F]/gu;

/** A Discord reaction's emoji name: 👍 and 👎 in any skin tone (custom emoji never count). */
export function discordVote(name: string | null | undefined): Vote | undefined {
  const base = (name ?? '').replace(SKIN_TONE_UNICODE, '');
  if (base === '\u{1F44D}') return 'up';
  if (base === '\u{1F44E}') return 'down';
  return undefined;
}

export interface Reaction {
  platform: 'slack' | 'discord';
  /** The reactor's space (Slack team, Discord server or `dm`); the posted message's space when unknown. */
  space?: string | undefined;
  channel: string;
  messageId: string;
  user: string;
  vote: Vote;
}

/**
 * A 👍 / 👎 given (`added`) or taken back on a message: a signal for the person, and for the channel when given in
 * one, but only on a message Paperboy posted holding exactly one paper. `isBot` is asked only for such messages.
 * Returns whether the reaction counted.
 */
export async function applyReaction(
  taste: TasteStore,
  reaction: Reaction,
  added: boolean,
  now: Date,
  isBot: () => Promise<boolean> = async () => false,
): Promise<boolean> {
  const posted = await taste.messagePaper(reaction.platform, reaction.channel, reaction.messageId);
  if (!posted || (await isBot())) return false;
  const space = reaction.space ?? posted.space;
  const owners = [
    userOwner({ platform: reaction.platform, space, user: reaction.user }),
    channelOwnerOf({ platform: reaction.platform, channel: reaction.channel, user: reaction.user, space }),
  ];
  const source = reaction.vote === 'up' ? ('reaction_up' as const) : ('reaction_down' as const);
  for (const owner of owners) {
    if (!owner) continue;
    const signal = { owner, actor: reaction.user, paperId: posted.paperId, source };
    if (added) await taste.addSignal(signal, now);
    else await taste.removeSignal(signal);
  }
  return true;
}

/** Where a posted message is, for {@link TasteStore.rememberMessage}. */
export type PostedPlace = Omit<PostedMessage, 'paperId'>;
