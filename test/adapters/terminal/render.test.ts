import { describe, expect, it } from 'vitest';
import { createTerminalPoster } from '../../../src/adapters/terminal/digest-poster.ts';
import { COLOUR, PLAIN, renderReply } from '../../../src/adapters/terminal/render.ts';
import type { PaperCard, Reply } from '../../../src/core/commands/reply.ts';
import type { Subscription } from '../../../src/core/digest/digest-store.ts';

const card: PaperCard = {
  id: 7,
  title: 'A <b> & @everyone title',
  url: 'https://arxiv.org/abs/2401.00001',
  authors: ['Ann', 'Bob', 'Cy'],
  authorsTruncated: true,
  affiliations: ['mit'],
  date: '2024-01-02',
  category: 'CL',
  hasCode: true,
  codeUrl: null,
  snippet: [
    { text: 'We study ', marked: false },
    { text: 'things', marked: true },
  ],
  profiles: ['Ann'],
  moreLikeThis: { type: 'more', paperId: 7, page: 1 },
};

const papers: Reply = {
  kind: 'papers',
  heading: 'Papers for “x”',
  cards: [card],
  page: {
    current: { type: 'page', query: 'x', page: 2 },
    page: 2,
    pageSize: 1,
    total: 3,
    previous: { type: 'page', query: 'x', page: 1 },
    next: { type: 'page', query: 'x', page: 3 },
  },
};

describe('renderReply for the terminal', () => {
  it('renders a paper card as plain text when piped, with marks as *word*', () => {
    const text = renderReply(papers, PLAIN);
    expect(text).toContain('2. A <b> & @everyone title');
    expect(text).toContain('Ann, Bob, Cy et al. · mit');
    expect(text).toContain('2024-01-02 · CL · code · id 7');
    expect(text).toContain('We study *things*');
    expect(text).toContain('2–2 of 3  (/prev · /next, /more ID)');
    expect(text).not.toContain('\u001b[');
  });

  it('uses colours on a terminal', () => {
    expect(renderReply(papers, COLOUR)).toContain('\u001b[1;33mthings');
  });

  it('says kindly when nothing was found and offers a spelling', () => {
    const none: Reply = {
      ...papers,
      cards: [],
      page: { current: { type: 'page', query: 'x', page: 1 }, page: 1, pageSize: 5, total: 0 },
      didYouMean: 'sycophancy',
    } as Reply;
    expect(renderReply(none, PLAIN)).toBe('No papers found. Did you mean “sycophancy”?');
  });
});

describe('H10 the terminal prints no control characters from the data', () => {
  const hostile = '\u001b[2J\u001b[H\u001b]0;pwned\u0007\u001b[31m\u009b5A\r\u0008\u0000';
  // Tab and newline may stay; every other C0 control, DEL and C1 must not reach the terminal.
  const controls = (text: string) =>
    [...text].filter((c) => {
      const code = c.codePointAt(0) ?? 0;
      return (code < 0x20 && c !== '\n' && c !== '\t') || (code >= 0x7f && code <= 0x9f);
    });
  const subscription: Subscription = {
    id: 1,
    ranked: false,
    space: null,
    platform: 'terminal',
    channel: 'terminal',
    kind: 'channel',
    rhythm: 'daily',
    weekday: null,
    query: hostile,
    time: '09:00',
    tz: 'UTC',
    watermark: 0,
    paused: false,
    postEmpty: true,
    createdBy: null,
    createdAt: '2026-11-28T00:00:00Z',
  };

  it('H10 strips escape sequences and control characters from every field, plain and coloured', () => {
    const reply: Reply = {
      kind: 'papers',
      page: { current: { type: 'page', query: hostile, page: 1 }, page: 1, pageSize: 1, total: 1 },
      heading: `Papers for “${hostile}”`,
      cards: [
        {
          ...card,
          title: `Title ${hostile}end`,
          authors: [`Ann${hostile}`],
          affiliations: [`lab${hostile}`],
          category: `CL${hostile}`,
          snippet: [
            { text: `abstract ${hostile}`, marked: false },
            { text: `word${hostile}`, marked: true },
          ],
          profiles: [`Ann${hostile}`],
        },
      ],
    };
    const plain = renderReply(reply, PLAIN);
    expect(controls(plain)).toEqual([]);
    expect(plain).toContain('Title end');
    expect(plain).not.toContain('pwned');
    // In colour, the only escape sequences left are the renderer's own colour codes.
    const [first = '', ...afterEscapes] = renderReply(reply, COLOUR).split('\u001b');
    expect(afterEscapes.every((rest) => /^\[[0-9;]*m/.test(rest))).toBe(true);
    expect(controls(first + afterEscapes.join(''))).toEqual([]);
    const others: Reply[] = [
      { kind: 'notice', text: `note ${hostile}` },
      { kind: 'error', code: 'invalid_query', message: `bad ${hostile}` },
      {
        kind: 'choices',
        message: `pick ${hostile}`,
        options: [{ label: `A${hostile}`, action: { type: 'author', name: 'A' } }],
      },
    ];
    for (const other of others) expect(controls(renderReply(other, PLAIN))).toEqual([]);
  });

  it('H10 a terminal digest with no papers prints its heading without control characters', async () => {
    let printed = '';
    const poster = createTerminalPoster((text) => {
      printed += text;
    }, COLOUR);
    await poster.post({
      subscription,
      ledgerId: 'pb-digest-1',
      dueAt: '2026-11-29T09:00:00Z',
      heading: `No new papers on “${hostile}” today.`,
      cards: [],
    });
    expect(printed).toBe('No new papers on “” today.\n');
  });
});
