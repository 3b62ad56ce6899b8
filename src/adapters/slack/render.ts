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
import { formatMetric, isWebLink, toPrintable, truncate } from '../../core/text.ts';

/** Slack's limits (PLATFORM-LIMITS.md) that these renderers respect. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  header: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  /** A message's fallback `text`: Slack advises at most 4,000 characters (it cuts at 40,000). */
  text: 4000,
  /** A link button's `url`. */
  url: 3000,
  /** An image block's `alt_text`. */
  imageAltText: 2000,
} as const;

// Loose block shapes: what Block Kit JSON needs, without tying the renderer to Bolt's types.
export type Block = Record<string, unknown>;
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** The one button that is not a core action: it posts the ephemeral answer it sits on to the channel. */
export const SHARE_ACTION_ID = 'pb_share';

/**
 * The one escape for text from pages, records and queries that reaches Slack as mrkdwn or as a message's
 * fallback `text` (which notifications and Share to channel show): `&`, `<` and `>` become entities, so
 * `<!channel>`, `<@U…>`, `<#C…>` and `<url|label>` in a title are plain words; `@` is followed by a zero-width
 * space, so a bare `@channel` is never parsed as a mention either; control characters go.
 */
export const escapeSlack = (text: string): string =>
  toPrintable(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('@', '@\u200b');

/** Cuts escaped text to `max` without leaving half an entity (`&am…`) behind. */
const cutEscaped = (text: string, max: number) => truncate(text, max).replace(/&[a-z]{0,3}…$/, '…');

/** Escaped and cut to `max`, so one overlong field cannot push the others out of a section. */
export const slackField = (text: string, max: number): string => cutEscaped(escapeSlack(text), max);

/** A message's fallback `text` (notifications, Share to channel), escaped like everything else. */
export const fallbackText = (text: string): string => slackField(text, SLACK_LIMITS.text);

/**
 * A mrkdwn text object. `verbatim` keeps Slack from turning words in it into links, channel links or mentions
 * by itself: only the markup the renderer wrote (`<url|title>`, `*bold*`) counts.
 */
export const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText) => ({
  type: 'mrkdwn',
  text: cutEscaped(text, max),
  verbatim: true,
});
/** A plain_text object: Slack shows it as typed, so it needs no escaping, only no control characters. */
const plain = (text: string, max: number) => ({
  type: 'plain_text',
  text: truncate(toPrintable(text), max),
  emoji: true,
});

/** A button whose `value` carries the action, so it still works after a restart. */
export function button(label: string, action: Action, style?: 'primary'): Block {
  const value = encodeAction(action);
  return {
    type: 'button',
    text: plain(label, SLACK_LIMITS.buttonText),
    action_id: truncate(`pb_${value}`, SLACK_LIMITS.actionId),
    value: truncate(value, SLACK_LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

/** Overflow menus hold 2 to 5 options; an option's value at most 150 characters. */
const OVERFLOW_VALUE = 150;

/**
 * The menu on every paper's section: Save (Remove on a reading list), Cite, More like this, Like and Not interested
 * (five: the most an overflow menu holds). One element, no
 * block of its own, so a 40-paper digest message keeps its 40 blocks.
 */
export function cardMenu(card: PaperCard): Block {
  const option = (label: string, action: Action) => ({
    text: plain(label, SLACK_LIMITS.buttonText),
    value: truncate(encodeAction(action), OVERFLOW_VALUE),
  });
  return {
    type: 'overflow',
    action_id: `pb_card_${card.id}`,
    options: [
      card.remove ? option('Remove from my list', card.remove) : option('Save', { type: 'save', paperId: card.id }),
      option('Cite (BibTeX)', { type: 'cite', paperId: card.id }),
      option('More like this', card.moreLikeThis),
      option('Like', { type: 'like', paperId: card.id }),
      option('Not interested', { type: 'dismiss', paperId: card.id }),
    ],
  };
}

/** BibTeX in code blocks of at most a section's length, cut between entries (an entry longer than that is cut). */
function bibtexBlocks(bibtex: string): Block[] {
  const room = SLACK_LIMITS.sectionText - 10;
  const chunks: string[] = [];
  for (const entry of bibtex.trimEnd().split(/\n\n(?=@)/)) {
    // Only &, < and > are escaped: the text must copy out as valid BibTeX, and `verbatim` keeps @ a plain character.
    const safe = toPrintable(entry).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    const last = chunks.at(-1);
    if (last !== undefined && last.length + safe.length + 2 <= room) chunks[chunks.length - 1] = `${last}\n\n${safe}`;
    else chunks.push(safe);
  }
  return chunks
    .slice(0, SLACK_LIMITS.blocks - 1)
    .map((chunk) => ({ type: 'section', text: mrkdwn(`\`\`\`${cutEscaped(chunk, room)}\`\`\``) }));
}

function snippet(segments: Segment[]): string {
  // Marked words in bold; the text around them escaped, and stars dropped so they cannot open bold early.
  return segments
    .map((s) => (s.marked ? `*${escapeSlack(s.text).replaceAll('*', '')}*` : escapeSlack(s.text)))
    .join('');
}

function paperBlocks(card: PaperCard, n: number): Block[] {
  const authors = card.authors.join(', ') + (card.authorsTruncated ? ' et al.' : '');
  const facts = [
    slackField(card.date, 40),
    slackField(card.category ?? '—', 80),
    card.hasCode ? ':computer: code' : undefined,
    card.citations ? slackField(citationsText(card.citations), 80) : undefined,
    `id ${card.id}`,
  ].filter(Boolean);
  const lines = [
    ...(card.tldr ? [`*TL;DR* ${slackField(card.tldr, 600)}`] : []),
    slackField(authors || 'no authors listed', 1000) +
      (card.affiliations.length ? ` · _${slackField(card.affiliations.join(', '), 500)}_` : ''),
    facts.join(' · '),
  ];
  if (card.why?.length) lines.push(`_Why: ${slackField(card.why.join(', '), 300)}_`);
  const body = snippet(card.snippet);
  // The abstract goes first when text must be cut: the facts above it always fit.
  const head = lines.join('\n');
  const room = SLACK_LIMITS.sectionText - head.length - 2;
  const text = body ? `${head}\n${body.length > room ? `${body.slice(0, Math.max(0, room - 1))}…` : body}` : head;
  const blocks: Block[] = [
    { type: 'header', text: plain(`${n}. ${card.title}`, SLACK_LIMITS.header) },
    { type: 'section', text: mrkdwn(text), accessory: cardMenu(card) },
  ];
  const actions: Block[] = [];
  // A link Slack would refuse (bad data) costs the button, not the whole message.
  if (isWebLink(card.url, SLACK_LIMITS.url))
    actions.push({
      type: 'button',
      text: plain('Open paper', SLACK_LIMITS.buttonText),
      url: card.url,
      action_id: `pb_open_${card.id}`,
    });
  for (const link of card.links ?? []) {
    if (link.url === card.url || !isWebLink(link.url, SLACK_LIMITS.url)) continue;
    actions.push({
      type: 'button',
      text: plain(link.label, SLACK_LIMITS.buttonText),
      url: link.url,
      action_id: `pb_${link.label.toLowerCase()}_${card.id}`,
    });
  }
  if (card.codeUrl && isWebLink(card.codeUrl, SLACK_LIMITS.url))
    actions.push({
      type: 'button',
      text: plain('Code', SLACK_LIMITS.buttonText),
      url: card.codeUrl,
      action_id: `pb_code_${card.id}`,
    });
  // Links only (Save, Cite and More like this are in the section's menu): a card with none has no actions block.
  if (actions.length) blocks.push({ type: 'actions', block_id: `paper_${card.id}`, elements: actions });
  if (card.profiles.length) {
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`on the profiles of ${escapeSlack(card.profiles.slice(0, 5).join(', '))}`)],
    });
  }
  return blocks;
}

function authorBlocks(card: AuthorCard): Block[] {
  const labelled = (label: string, value: string) => mrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.fieldText);
  const facts = toAuthorFacts(card);
  const blocks: Block[] = [
    { type: 'header', text: plain(card.name, SLACK_LIMITS.header) },
    { type: 'section', fields: facts.filter((f) => f.short).map((f) => labelled(f.label, escapeSlack(f.value))) },
    ...facts
      .filter((f) => !f.short)
      .map((f): Block => ({ type: 'section', text: labelled(f.label, escapeSlack(f.value)) })),
    {
      type: 'section',
      text: mrkdwn(
        `*Latest*\n${card.latest.map((p) => `• ${slackField(p.title, 300)} (${slackField(p.date, 40)}, id ${p.id})`).join('\n') || '—'}`,
      ),
    },
  ];
  if (card.mayBeSeveral) blocks.push({ type: 'context', elements: [mrkdwn(SEVERAL_LINE)] });
  return blocks;
}

/** The image block that shows an uploaded chart (a file uploaded without a channel, named by id). */
export const chartBlock = (fileId: string, names: readonly string[]): Block => ({
  type: 'image',
  slack_file: { id: fileId },
  alt_text: truncate(`Papers per year: ${names.join(' vs ')}`, SLACK_LIMITS.imageAltText),
});

/**
 * Renders a reply as a Slack message: Block Kit blocks plus fallback text for notifications.
 * @param options.shareable - add a "Share to channel" button (for ephemeral answers)
 * @param options.chartFileId - an uploaded papers-per-year chart for an author card (shown after the cards)
 */
export function renderSlack(reply: Reply, options: { shareable?: boolean; chartFileId?: string } = {}): SlackMessage {
  const message = renderReply(reply, options);
  if (options.chartFileId && (reply.kind === 'author' || reply.kind === 'compare')) {
    const names = reply.kind === 'author' ? [reply.card.name] : reply.cards.map((c) => c.name);
    message.blocks.push(chartBlock(options.chartFileId, names));
  }
  return message;
}

function renderReply(reply: Reply, options: { shareable?: boolean }): SlackMessage {
  switch (reply.kind) {
    case 'papers': {
      if (reply.cards.length === 0) {
        const hint = reply.didYouMean
          ? ` Did you mean “${slackField(reply.didYouMean, 500)}”?`
          : ' Try fewer words, or `/paper` with filters (see help).';
        const text = `No papers found for ${slackField(reply.heading.replace(/^Papers for /, ''), 1000)}.${hint}`;
        const blocks: Block[] = [{ type: 'section', text: mrkdwn(text) }];
        if (reply.didYouMean)
          blocks.push({
            type: 'actions',
            elements: [button(`Search “${reply.didYouMean}”`, { type: 'page', query: reply.didYouMean, page: 1 })],
          });
        return { text, blocks };
      }
      const first = (reply.page.page - 1) * reply.page.pageSize;
      const blocks: Block[] = [{ type: 'section', text: mrkdwn(`*${slackField(reply.heading, 1000)}*`) }];
      if (reply.relaxed) blocks.push({ type: 'context', elements: [mrkdwn(relaxedLine(reply.wordsLeftOut))] });
      reply.cards.forEach((card, i) => {
        blocks.push(...paperBlocks(card, first + i + 1), { type: 'divider' });
      });
      const nav: Block[] = [];
      if (reply.page.previous) nav.push(button('◀ Previous', reply.page.previous));
      if (reply.page.next) nav.push(button('Next ▶', reply.page.next));
      if (options.shareable)
        nav.push({ ...button('Share to channel', reply.page.current), action_id: SHARE_ACTION_ID });
      blocks.push({
        type: 'context',
        elements: [mrkdwn(`${first + 1}–${first + reply.cards.length} of ${reply.page.total}`)],
      });
      if (nav.length) blocks.push({ type: 'actions', block_id: 'nav', elements: nav });
      return {
        text: fallbackText(`${reply.heading}: ${reply.page.total} papers`),
        blocks: blocks.slice(0, SLACK_LIMITS.blocks),
      };
    }
    case 'author':
      return {
        text: fallbackText(
          `${reply.card.name}: ${reply.card.papers} papers, h-index ${formatMetric(reply.card.hIndex)}`,
        ),
        blocks: authorBlocks(reply.card),
      };
    case 'compare':
      return {
        text: fallbackText(`${reply.cards[0].name} vs ${reply.cards[1].name}`),
        blocks: [...authorBlocks(reply.cards[0]), { type: 'divider' }, ...authorBlocks(reply.cards[1])],
      };
    case 'choices':
      return {
        text: fallbackText(reply.message),
        blocks: [
          { type: 'section', text: mrkdwn(escapeSlack(reply.message)) },
          {
            type: 'actions',
            elements: reply.options.slice(0, SLACK_LIMITS.actionsElements).map((o) => button(o.label, o.action)),
          },
        ],
      };
    case 'help': {
      const lines = reply.commands.map(
        (c) =>
          `*${escapeSlack(c.usage)}*\n${escapeSlack(c.description)}\n${c.examples.map((e) => `\`${escapeSlack(e)}\``).join('  ')}`,
      );
      return {
        text: fallbackText(reply.intro),
        blocks: [
          { type: 'section', text: mrkdwn(escapeSlack(reply.intro)) },
          ...lines.map((l) => ({ type: 'section', text: mrkdwn(l) })),
        ],
      };
    }
    case 'notice':
      return { text: fallbackText(reply.text), blocks: [{ type: 'section', text: mrkdwn(escapeSlack(reply.text)) }] };
    case 'bibtex': {
      // A file (an export) is uploaded by the adapter; the message only says where it went.
      const head: Block = { type: 'section', text: mrkdwn(escapeSlack(reply.text)) };
      return {
        text: fallbackText(reply.text),
        blocks: reply.filename ? [head] : [head, ...bibtexBlocks(reply.bibtex)],
      };
    }
    case 'error':
      return {
        text: fallbackText(`Sorry: ${reply.message}`),
        blocks: [{ type: 'section', text: mrkdwn(`:warning: ${escapeSlack(reply.message)}`) }],
      };
  }
}

/** A paper's card as the blocks of a link unfurl: the card alone, its title unnumbered. */
export function unfurlBlocks(card: PaperCard): Block[] {
  const [header, ...rest] = paperBlocks(card, 1);
  // Slack refuses a header with no text (the whole unfurl fails): a paper sent without a title still gets one.
  const title = toPrintable(card.title).trim() === '' ? 'Untitled paper' : card.title;
  return [{ ...header, text: plain(title, SLACK_LIMITS.header) }, ...rest];
}
