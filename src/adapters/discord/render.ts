import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  type MessageActionRowComponentBuilder,
  StringSelectMenuBuilder,
} from 'discord.js';
import { SEVERAL_LINE, toAuthorFacts } from '../../core/authors/author-facts.ts';
import { encodeAction } from '../../core/commands/action-codec.ts';
import {
  type Action,
  type AuthorCard,
  type PaperCard,
  type Reply,
  relaxedLine,
  type Segment,
} from '../../core/commands/reply.ts';
import { citationsText } from '../../core/enrich/card-figures.ts';
import { isWebLink, toPrintable, truncate } from '../../core/text.ts';
import { CHART_FILENAME, renderYearChart } from '../chart/render-png.ts';

/** Discord's limits (PLATFORM-LIMITS.md) that these renderers respect. */
export const DISCORD_LIMITS = {
  /** An attachment's size (Discord's limit for bots without boosts is 10 MiB; kept well under). */
  attachmentBytes: 8 * 1024 * 1024,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedsTotal: 6000,
  embeds: 10,
  content: 2000,
  rows: 5,
  buttonsPerRow: 5,
  customId: 100,
  label: 80,
  /** Embed links: Discord documents no bound; longer ones come only from bad data, and a card without its link beats a refused message. */
  url: 2048,
} as const;

export interface DiscordMessage {
  content?: string;
  embeds: EmbedBuilder[];
  components: ActionRowBuilder<MessageActionRowComponentBuilder>[];
  /** A BibTeX file (`/saved export`, or a `/cite` too long for a message), or an author card's chart. */
  files?: AttachmentBuilder[];
}

/** The custom id of a card message's Save/Cite menu; the chosen option's value carries the action. */
export const CARD_MENU_ID = 'pb_cards';
/** The Like / Not interested menu of a message's cards. */
export const TASTE_MENU_ID = 'pb_taste';
const MENU_OPTIONS = 25;

// A bare link, kept as it is: Discord shows its address, and a backslash inside it would change where it goes.
const BARE_LINK = /(https?:\/\/[^\s<]+)/;
// Inline markup (bold, italic, underline, strike, spoiler, code), `[` (masked links) and `<` (user, role and
// channel mentions, slash-command links, emoji, timestamps).
const INLINE_MARKUP = /[\\*_~|`[<]/g;
// Markup that counts only at the start of a line: headings, subtext, quotes, bulleted and numbered lists.
const LINE_MARKUP = /^([ \t]*)([#>+-]|\d+\.)/gm;

const escapeMarkup = (text: string) =>
  text
    .replace(INLINE_MARKUP, '\\$&')
    .replace(LINE_MARKUP, (_, space: string, mark: string) =>
      mark.endsWith('.') ? `${space}${mark.slice(0, -1)}\\.` : `${space}\\${mark}`,
    );

/**
 * The one escape for text from pages and records that reaches Discord markdown (message content, embed titles,
 * descriptions, field values): no markup of its own (masked links, headings, quotes, lists, bold, spoilers,
 * code), no mention syntax, and `@` followed by a zero-width space, so `@everyone` and `@here` are plain words
 * even where `allowedMentions` is not in play. Control characters go; bare links stay clickable as they are.
 */
export const escapeDiscord = (text: string): string =>
  toPrintable(text)
    .split(BARE_LINK)
    .map((part, i) => (i % 2 === 1 ? part : escapeMarkup(part)))
    .join('')
    .replaceAll('@', '@\u200b');

/** Text for places Discord shows as typed, without markdown (footers, button labels, thread names). */
export const plainDiscord = (text: string, max: number): string => truncate(toPrintable(text), max);

const snippet = (segments: Segment[]) =>
  segments.map((s) => (s.marked ? `**${escapeDiscord(s.text)}**` : escapeDiscord(s.text))).join('');

/**
 * A button id that carries the action, so it works after a restart. Discord allows 100 characters: a long
 * query travels as the reference the chat saved for it.
 */
export function customIdFor(action: Action): string {
  return encodeAction(action, DISCORD_LIMITS.customId).slice(0, DISCORD_LIMITS.customId);
}

function button(label: string, action: Action, style = ButtonStyle.Secondary): ButtonBuilder {
  return new ButtonBuilder()
    .setCustomId(customIdFor(action))
    .setLabel(plainDiscord(label, DISCORD_LIMITS.label))
    .setStyle(style);
}

/** Escaped and cut to `max`, so one overlong field cannot push the others out of an embed. */
export const discordField = (text: string, max: number): string => truncate(escapeDiscord(text), max);

/**
 * The card's own links as masked links (`[arXiv](…) · [PDF](…) · [DOI](…)`); empty when it has none. A link
 * longer than 300 characters (bad data) is left out rather than crowd the card.
 */
export const linksLine = (card: PaperCard): string =>
  (card.links ?? [])
    .filter((l) => isWebLink(l.url, 300) && !/[()[\]]/.test(l.url))
    .map((l) => `[${l.label}](${l.url})`)
    .join(' · ');

/** The date · category · code line of a card. */
export const factsLine = (card: PaperCard): string =>
  [
    discordField(card.date, 40),
    discordField(card.category ?? '—', 80),
    card.hasCode ? '💻 code' : undefined,
    card.citations ? discordField(citationsText(card.citations), 80) : undefined,
  ]
    .filter(Boolean)
    .join(' · ');

function paperEmbed(card: PaperCard, n: number, footer: string): EmbedBuilder {
  const authors = card.authors.join(', ') + (card.authorsTruncated ? ' et al.' : '');
  const head = [
    card.tldr ? `**TL;DR** ${discordField(card.tldr, 400)}` : '',
    discordField(authors || 'no authors listed', 300),
    card.affiliations.length ? `*${discordField(card.affiliations.join(', '), 200)}*` : '',
    factsLine(card),
    card.why?.length ? `*Why: ${discordField(card.why.join(', '), 200)}*` : '',
    linksLine(card),
  ]
    .filter(Boolean)
    .join('\n');
  const body = snippet(card.snippet);
  // The abstract is what gets trimmed when space runs out; the facts above it always stay.
  const room = 700 - head.length;
  const description = body
    ? `${head}\n\n${body.length > room ? `${body.slice(0, Math.max(0, room - 1))}…` : body}`
    : head;
  const embed = new EmbedBuilder()
    .setTitle(truncate(`${n}. ${escapeDiscord(card.title)}`, DISCORD_LIMITS.title))
    .setURL(isWebLink(card.url, DISCORD_LIMITS.url) ? card.url : null)
    .setDescription(truncate(description, DISCORD_LIMITS.description))
    .setFooter({
      text: plainDiscord(
        `id ${card.id}${card.profiles.length ? ` · on ${card.profiles.slice(0, 3).join(', ')}` : ''} · ${footer}`,
        DISCORD_LIMITS.footer,
      ),
    });
  return embed;
}

function authorEmbed(card: AuthorCard): EmbedBuilder {
  const embed = new EmbedBuilder().setTitle(truncate(escapeDiscord(card.name), DISCORD_LIMITS.title)).addFields(
    ...toAuthorFacts(card).map((f) => ({
      name: f.label,
      value: truncate(escapeDiscord(f.value), DISCORD_LIMITS.fieldValue),
      inline: f.short,
    })),
    {
      name: 'Latest',
      value: truncate(
        card.latest
          .map((p) => `• ${discordField(p.title, 200)} (${discordField(p.date, 40)}, id ${p.id})`)
          .join('\n') || '—',
        DISCORD_LIMITS.fieldValue,
      ),
    },
  );
  if (card.mayBeSeveral) embed.setFooter({ text: SEVERAL_LINE });
  return embed;
}

/** Keeps the embeds of one message within Discord's 6,000-character total by dropping cards from the end. */
function withinTotal(embeds: EmbedBuilder[]): EmbedBuilder[] {
  const size = (e: EmbedBuilder) => {
    const d = e.data;
    return (
      (d.title?.length ?? 0) +
      (d.description?.length ?? 0) +
      (d.footer?.text.length ?? 0) +
      (d.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0)
    );
  };
  const kept: EmbedBuilder[] = [];
  let total = 0;
  for (const embed of embeds.slice(0, DISCORD_LIMITS.embeds)) {
    total += size(embed);
    if (total > DISCORD_LIMITS.embedsTotal) break;
    kept.push(embed);
  }
  return kept;
}

const row = (...buttons: ButtonBuilder[]) =>
  new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(...buttons);

/**
 * One menu row for the cards of a message: "Save 1", "Cite 1", … ("Remove" on a reading list), so every card can
 * be saved and cited within Discord's 5 rows (a menu holds 25 options: 12 cards). `names` label the cards (their
 * numbers in an answer, short titles in a digest).
 */
export function cardMenuRow(cards: readonly PaperCard[], names: readonly string[]) {
  const options = cards.flatMap((card, i) => {
    const title = plainDiscord(card.title, 90);
    const n = names[i] ?? '';
    const keep = card.remove
      ? { label: plainDiscord(`Remove ${n}`, DISCORD_LIMITS.label), value: customIdFor(card.remove) }
      : {
          label: plainDiscord(`Save ${n}`, DISCORD_LIMITS.label),
          value: customIdFor({ type: 'save', paperId: card.id }),
        };
    const cite = {
      label: plainDiscord(`Cite ${n}`, DISCORD_LIMITS.label),
      value: customIdFor({ type: 'cite', paperId: card.id }),
    };
    return [
      { ...keep, description: title || `id ${card.id}` },
      { ...cite, description: title || `id ${card.id}` },
    ];
  });
  const menu = new StringSelectMenuBuilder()
    .setCustomId(CARD_MENU_ID)
    .setPlaceholder(cards.some((c) => c.remove) ? 'Remove or cite a paper…' : 'Save or cite a paper…')
    .addOptions(options.slice(0, MENU_OPTIONS));
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(menu);
}

/**
 * The second menu row of a message's cards: "Like 1", "Not interested 1", … (a select holds 25 options, so 12 cards;
 * a message holds 5 rows, and answers use at most 4 with this one). Its own custom id, so both menus can be used.
 */
export function tasteMenuRow(cards: readonly PaperCard[], names: readonly string[]) {
  const options = cards.flatMap((card, i) => {
    const description = plainDiscord(card.title, 90) || `id ${card.id}`;
    const n = names[i] ?? '';
    return [
      {
        label: plainDiscord(`Like ${n}`, DISCORD_LIMITS.label),
        value: customIdFor({ type: 'like', paperId: card.id }),
        description,
      },
      {
        label: plainDiscord(`Not interested ${n}`, DISCORD_LIMITS.label),
        value: customIdFor({ type: 'dismiss', paperId: card.id }),
        description,
      },
    ];
  });
  const menu = new StringSelectMenuBuilder()
    .setCustomId(TASTE_MENU_ID)
    .setPlaceholder('Like, or not interested…')
    .addOptions(options.slice(0, MENU_OPTIONS));
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(menu);
}

// A code block ends at three backticks: a zero-width space keeps any in the BibTeX from closing it early.
const inCodeBlock = (text: string) => `\`\`\`bibtex\n${text.replaceAll('```', '`\u200b``')}\n\`\`\``;

/** Renders a reply as a Discord message: one embed per card, buttons to page and find more like a card. */
/**
 * Author cards with their papers-per-year chart attached and shown in the first embed (`attachment://`); both
 * series in one chart for `A vs B`. A chart that cannot be drawn leaves the cards with their sparklines.
 */
function withChart(embeds: EmbedBuilder[], cards: readonly AuthorCard[]): DiscordMessage {
  let png: Buffer;
  try {
    png = renderYearChart(cards.map((c) => ({ name: c.name, perYear: c.perYear }))).png;
  } catch {
    return { embeds, components: [] };
  }
  embeds[0]?.setImage(`attachment://${CHART_FILENAME}`);
  return { embeds, components: [], files: [new AttachmentBuilder(png, { name: CHART_FILENAME })] };
}

export function renderDiscord(reply: Reply): DiscordMessage {
  switch (reply.kind) {
    case 'papers': {
      if (reply.cards.length === 0) {
        const hint = reply.didYouMean
          ? ` Did you mean “${discordField(reply.didYouMean, 500)}”?`
          : ' Try fewer words, or `/paper` with filters.';
        const content = `No papers found.${hint}`;
        const components = reply.didYouMean
          ? [row(button(`Search “${reply.didYouMean}”`, { type: 'page', query: reply.didYouMean, page: 1 }))]
          : [];
        return { content, embeds: [], components };
      }
      const first = (reply.page.page - 1) * reply.page.pageSize;
      const footer = `page ${reply.page.page} of ${Math.ceil(reply.page.total / reply.page.pageSize)} · ${reply.page.total} papers`;
      const embeds = withinTotal(reply.cards.map((card, i) => paperEmbed(card, first + i + 1, footer)));
      const more = embeds.map((_, i) =>
        button(`More like ${first + i + 1}`, (reply.cards[i] as PaperCard).moreLikeThis),
      );
      const nav: ButtonBuilder[] = [];
      if (reply.page.previous) nav.push(button('◀ Previous', reply.page.previous, ButtonStyle.Primary));
      if (reply.page.next) nav.push(button('Next ▶', reply.page.next, ButtonStyle.Primary));
      const components = [];
      if (more.length) components.push(row(...more.slice(0, DISCORD_LIMITS.buttonsPerRow)));
      if (embeds.length)
        components.push(
          cardMenuRow(
            reply.cards.slice(0, embeds.length),
            embeds.map((_, i) => String(first + i + 1)),
          ),
          tasteMenuRow(
            reply.cards.slice(0, embeds.length),
            embeds.map((_, i) => String(first + i + 1)),
          ),
        );
      if (nav.length) components.push(row(...nav));
      const heading = reply.relaxed ? `${reply.heading}\n${relaxedLine(reply.wordsLeftOut)}` : reply.heading;
      return { content: truncate(escapeDiscord(heading), DISCORD_LIMITS.content), embeds, components };
    }
    case 'author':
      return withChart([authorEmbed(reply.card)], [reply.card]);
    case 'compare':
      return withChart(reply.cards.map(authorEmbed), reply.cards);
    case 'choices':
      return {
        content: discordField(reply.message, DISCORD_LIMITS.content),
        embeds: [],
        components: [
          row(...reply.options.slice(0, DISCORD_LIMITS.buttonsPerRow).map((o) => button(o.label, o.action))),
        ],
      };
    case 'help':
      return {
        embeds: [
          new EmbedBuilder()
            .setTitle('Paperboy')
            .setDescription(escapeDiscord(reply.intro))
            .addFields(
              reply.commands.map((c) => ({
                name: truncate(c.usage, DISCORD_LIMITS.fieldName),
                value: truncate(
                  `${escapeDiscord(c.description)}\n${c.examples.map((e) => `\`${e.replaceAll('`', "'")}\``).join('\n')}`,
                  DISCORD_LIMITS.fieldValue,
                ),
              })),
            ),
        ],
        components: [],
      };
    case 'notice':
      return { content: truncate(escapeDiscord(reply.text), DISCORD_LIMITS.content), embeds: [], components: [] };
    case 'bibtex': {
      const text = truncate(escapeDiscord(reply.text), 500);
      const block = inCodeBlock(reply.bibtex.trimEnd());
      if (!reply.filename && text.length + block.length + 1 <= DISCORD_LIMITS.content)
        return { content: `${text}\n${block}`, embeds: [], components: [] };
      const name = reply.filename ?? 'citations.bib';
      return {
        content: text,
        embeds: [],
        components: [],
        files: [new AttachmentBuilder(Buffer.from(reply.bibtex, 'utf8'), { name })],
      };
    }
    case 'error':
      return {
        content: truncate(`Sorry: ${escapeDiscord(reply.message)}`, DISCORD_LIMITS.content),
        embeds: [],
        components: [],
      };
  }
}
