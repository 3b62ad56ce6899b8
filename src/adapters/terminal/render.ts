import { SEVERAL_LINE, toAuthorFacts } from '../../core/authors/author-facts.ts';
import { type AuthorCard, type PaperCard, type Reply, relaxedLine, type Segment } from '../../core/commands/reply.ts';
import { citationsText } from '../../core/enrich/card-figures.ts';
import { toPrintable } from '../../core/text.ts';

/** Terminal styles; plain text when colours are off (piped output, NO_COLOR). */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  mark(text: string): string;
  link(text: string): string;
  error(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const COLOUR: Style = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  mark: (t) => `\u001b[1;33m${t}\u001b[22;39m`,
  link: ansi(36, 39),
  error: ansi(31, 39),
};

export const PLAIN: Style = {
  bold: (t) => t,
  dim: (t) => t,
  // Without colour, matched words are set off like *this*, as chat markdown would show them.
  mark: (t) => `*${t}*`,
  link: (t) => t,
  error: (t) => t,
};

const snippet = (segments: Segment[], style: Style) =>
  segments.map((s) => (s.marked ? style.mark(s.text) : s.text)).join('');

function authorsLine(card: PaperCard): string {
  const names = card.authors.join(', ') + (card.authorsTruncated ? ' et al.' : '');
  return card.affiliations.length ? `${names} · ${card.affiliations.join(', ')}` : names;
}

function paperCard(card: PaperCard, n: number, style: Style): string {
  const facts = [
    card.date,
    card.category ?? '—',
    card.hasCode ? 'code' : undefined,
    card.citations ? citationsText(card.citations) : undefined,
    `id ${card.id}`,
  ].filter(Boolean);
  const lines = [
    `${style.bold(`${n}. ${card.title}`)}`,
    ...(card.tldr ? [`   TL;DR: ${card.tldr}`] : []),
    `   ${authorsLine(card) || '(no authors listed)'}`,
    `   ${style.dim(facts.join(' · '))}`,
  ];
  if (card.why?.length) lines.push(`   ${style.dim(`why: ${card.why.join(', ')}`)}`);
  const text = snippet(card.snippet, style);
  if (text) lines.push(`   ${text}`);
  if (card.profiles.length) lines.push(`   ${style.dim(`on the profiles of ${card.profiles.join(', ')}`)}`);
  // The card's own link first (the arXiv page), then its PDF and DOI, labelled.
  const others = (card.links ?? []).filter((l) => l.url !== card.url).map((l) => `  ${l.label}: ${style.link(l.url)}`);
  if (card.url)
    lines.push(
      `   ${style.link(card.url)}${others.join('')}${card.codeUrl ? `  code: ${style.link(card.codeUrl)}` : ''}`,
    );
  return lines.join('\n');
}

function authorCard(card: AuthorCard, style: Style): string {
  return [
    style.bold(card.name),
    ...toAuthorFacts(card).map((f) => `  ${f.label.toLowerCase()}: ${f.value}`),
    ...(card.mayBeSeveral ? [style.dim(`  ${SEVERAL_LINE}`)] : []),
    `  latest: ${card.latest.map((p) => `${p.title} (${p.date}, id ${p.id})`).join('; ') || '—'}`,
  ].join('\n');
}

/**
 * Every string of a reply made printable (no control characters but newline and tab): the one place where
 * text from pages and records is cleaned before it reaches the terminal, so nothing can be forgotten.
 */
export function toTerminalSafe<T>(value: T): T {
  if (typeof value === 'string') return toPrintable(value) as T;
  if (Array.isArray(value)) return value.map(toTerminalSafe) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toTerminalSafe(item)])) as T;
  return value;
}

/** Renders a reply as terminal text; the styles' own escape codes are the only ones in it. */
export function renderReply(reply: Reply, style: Style): string {
  return renderSafe(toTerminalSafe(reply), style);
}

function renderSafe(reply: Reply, style: Style): string {
  switch (reply.kind) {
    case 'papers': {
      if (reply.cards.length === 0) {
        const hint = reply.didYouMean ? ` Did you mean “${reply.didYouMean}”?` : ' Try fewer words, or /help.';
        return `No papers found.${hint}`;
      }
      const first = (reply.page.page - 1) * reply.page.pageSize;
      const cards = reply.cards.map((c, i) => paperCard(c, first + i + 1, style)).join('\n\n');
      const last = first + reply.cards.length;
      const nav = [reply.page.previous ? '/prev' : '', reply.page.next ? '/next' : ''].filter(Boolean).join(' · ');
      const relaxed = reply.relaxed ? `\n${relaxedLine(reply.wordsLeftOut)}` : '';
      // Buttons become commands here: a reading list's cards are removed by id, other cards saved or cited.
      const perCard = reply.cards.some((c) => c.remove)
        ? '/saved remove ID, /cite ID'
        : '/save ID, /cite ID, /like ID, /dismiss ID';
      return `${style.bold(reply.heading)}${relaxed}\n\n${cards}\n\n${style.dim(`${first + 1}–${last} of ${reply.page.total}${nav ? `  (${nav}, /more ID)` : ''}`)}\n${style.dim(perCard)}`;
    }
    case 'author':
      return authorCard(reply.card, style);
    case 'compare':
      return reply.cards.map((c) => authorCard(c, style)).join('\n\n');
    case 'choices':
      return `${reply.message}\n${reply.options.map((o) => `  • ${o.label}`).join('\n')}`;
    case 'help':
      return [
        reply.intro,
        '',
        ...reply.commands.flatMap((c) => [
          style.bold(c.usage),
          `  ${c.description}`,
          ...c.examples.map((e) => style.dim(`  e.g. ${e}`)),
        ]),
        '',
        style.dim('In this terminal also: /next, /prev (pages), /quit.'),
      ].join('\n');
    case 'notice':
      return reply.text;
    case 'bibtex':
      return `${reply.text}\n\n${reply.bibtex.trimEnd()}`;
    case 'error':
      return style.error(`Sorry: ${reply.message}`);
  }
}
