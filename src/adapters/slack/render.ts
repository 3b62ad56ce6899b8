import { encodeAction } from '../../core/commands/action-codec.ts';
import {
  type Action,
  type AuthorCard,
  type PaperCard,
  RELAXED_LINE,
  type Reply,
  type Segment,
} from '../../core/commands/reply.ts';
import { formatMetric, truncate } from '../../core/text.ts';

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
} as const;

// Loose block shapes: what Block Kit JSON needs, without tying the renderer to Bolt's types.
export type Block = Record<string, unknown>;
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** The one button that is not a core action: it posts the ephemeral answer it sits on to the channel. */
export const SHARE_ACTION_ID = 'pb_share';

/** Escapes the three characters Slack treats as markup, so `<!channel>` in a title pings nobody. */
export const escapeSlack = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) });
const plain = (text: string, max: number) => ({ type: 'plain_text', text: truncate(text, max), emoji: true });

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

function snippet(segments: Segment[]): string {
  // Marked words in bold; the text around them escaped, and stars dropped so they cannot open bold early.
  return segments
    .map((s) => (s.marked ? `*${escapeSlack(s.text).replaceAll('*', '')}*` : escapeSlack(s.text)))
    .join('');
}

function paperBlocks(card: PaperCard, n: number): Block[] {
  const authors = card.authors.join(', ') + (card.authorsTruncated ? ' et al.' : '');
  const facts = [card.date, card.category ?? '—', card.hasCode ? ':computer: code' : undefined, `id ${card.id}`].filter(
    Boolean,
  );
  const lines = [
    escapeSlack(authors || 'no authors listed') +
      (card.affiliations.length ? ` · _${escapeSlack(card.affiliations.join(', '))}_` : ''),
    facts.join(' · '),
  ];
  const body = snippet(card.snippet);
  // The abstract goes first when text must be cut: the facts above it always fit.
  const head = lines.join('\n');
  const room = SLACK_LIMITS.sectionText - head.length - 2;
  const text = body ? `${head}\n${body.length > room ? `${body.slice(0, Math.max(0, room - 1))}…` : body}` : head;
  const blocks: Block[] = [
    { type: 'header', text: plain(`${n}. ${card.title}`, SLACK_LIMITS.header) },
    { type: 'section', text: mrkdwn(text) },
  ];
  const actions: Block[] = [
    {
      type: 'button',
      text: plain('Open paper', SLACK_LIMITS.buttonText),
      url: card.url,
      action_id: `pb_open_${card.id}`,
    },
    button('More like this', card.moreLikeThis),
  ];
  if (card.codeUrl)
    actions.push({
      type: 'button',
      text: plain('Code', SLACK_LIMITS.buttonText),
      url: card.codeUrl,
      action_id: `pb_code_${card.id}`,
    });
  blocks.push({ type: 'actions', block_id: `paper_${card.id}`, elements: actions });
  if (card.profiles.length) {
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`on the profiles of ${escapeSlack(card.profiles.slice(0, 5).join(', '))}`)],
    });
  }
  return blocks;
}

const tally = (items: { name: string; papers: number }[]) =>
  escapeSlack(items.map((i) => `${i.name} (${i.papers})`).join(', ') || '—');

function authorBlocks(card: AuthorCard): Block[] {
  const { indexed } = card;
  const field = (label: string, value: string) => mrkdwn(truncate(`*${label}*\n${value}`, SLACK_LIMITS.fieldText));
  return [
    { type: 'header', text: plain(card.name + (card.category ? ` · ${card.category}` : ''), SLACK_LIMITS.header) },
    {
      type: 'section',
      fields: [
        field('h-index', formatMetric(card.hIndex)),
        field('Papers', formatMetric(card.paperCount)),
        field('Citations', formatMetric(card.citationCount)),
        field('Novelty', formatMetric(card.novelty, '%')),
        field('AI score', formatMetric(card.aiScore)),
        field('Indexed', `${indexed.papers} papers, ${Math.round(indexed.withCode * 100)}% with code`),
        field('Per year', indexed.perYear.map((y) => `${y.year}: ${y.papers}`).join(', ') || '—'),
        field('Categories', tally(indexed.topCategories)),
        field('Co-authors', tally(indexed.coAuthors)),
        field('Affiliations', tally(indexed.affiliations)),
      ],
    },
    {
      type: 'section',
      text: mrkdwn(
        `*Latest*\n${indexed.latest.map((p) => `• ${escapeSlack(p.title)} (${p.date}, id ${p.id})`).join('\n') || '—'}`,
      ),
    },
  ];
}

/**
 * Renders a reply as a Slack message: Block Kit blocks plus fallback text for notifications.
 * @param options.shareable - add a "Share to channel" button (for ephemeral answers)
 */
export function renderSlack(reply: Reply, options: { shareable?: boolean } = {}): SlackMessage {
  switch (reply.kind) {
    case 'papers': {
      if (reply.cards.length === 0) {
        const hint = reply.didYouMean
          ? ` Did you mean “${escapeSlack(reply.didYouMean)}”?`
          : ' Try fewer words, or `/paper` with filters (see help).';
        const text = `No papers found for ${escapeSlack(reply.heading.replace(/^Papers for /, ''))}.${hint}`;
        const blocks: Block[] = [{ type: 'section', text: mrkdwn(text) }];
        if (reply.didYouMean)
          blocks.push({
            type: 'actions',
            elements: [button(`Search “${reply.didYouMean}”`, { type: 'page', query: reply.didYouMean, page: 1 })],
          });
        return { text, blocks };
      }
      const first = (reply.page.page - 1) * reply.page.pageSize;
      const blocks: Block[] = [{ type: 'section', text: mrkdwn(`*${escapeSlack(reply.heading)}*`) }];
      if (reply.relaxed) blocks.push({ type: 'context', elements: [mrkdwn(RELAXED_LINE)] });
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
      return { text: `${reply.heading}: ${reply.page.total} papers`, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
    }
    case 'author':
      return {
        text: `${reply.card.name}: h-index ${formatMetric(reply.card.hIndex)}`,
        blocks: authorBlocks(reply.card),
      };
    case 'compare':
      return {
        text: `${reply.cards[0].name} vs ${reply.cards[1].name}`,
        blocks: [...authorBlocks(reply.cards[0]), { type: 'divider' }, ...authorBlocks(reply.cards[1])],
      };
    case 'choices':
      return {
        text: reply.message,
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
        text: reply.intro,
        blocks: [
          { type: 'section', text: mrkdwn(escapeSlack(reply.intro)) },
          ...lines.map((l) => ({ type: 'section', text: mrkdwn(l) })),
        ],
      };
    }
    case 'notice':
      return { text: reply.text, blocks: [{ type: 'section', text: mrkdwn(escapeSlack(reply.text)) }] };
    case 'error':
      return {
        text: `Sorry: ${reply.message}`,
        blocks: [{ type: 'section', text: mrkdwn(`:warning: ${escapeSlack(reply.message)}`) }],
      };
  }
}
