import { EmbedBuilder } from 'discord.js';
import { expect } from 'vitest';
import { DISCORD_LIMITS } from '../../src/adapters/discord/render.ts';

/** An embed as it travels in a Discord request body. */
export type Embed = {
  title?: string;
  description?: string;
  footer?: { text: string };
  fields?: { name: string; value: string }[];
};

/** Checks embeds with discord.js's own builder validation, plus the per-message count and total. */
export function expectValidEmbeds(embeds: Embed[]) {
  expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
  let total = 0;
  for (const embed of embeds) {
    // The builders validate every setter against Discord's limits and throw when one is broken.
    const built = new EmbedBuilder();
    if (embed.title) built.setTitle(embed.title);
    if (embed.description) built.setDescription(embed.description);
    if (embed.footer) built.setFooter(embed.footer);
    if (embed.fields) built.setFields(embed.fields);
    total +=
      (embed.title?.length ?? 0) +
      (embed.description?.length ?? 0) +
      (embed.footer?.text.length ?? 0) +
      (embed.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0);
  }
  expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
}
