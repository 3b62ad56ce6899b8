import { describe, expect, it } from 'vitest';
import { COLOUR, PLAIN, renderReply } from '../../../src/adapters/terminal/render.ts';
import type { Reply } from '../../../src/core/commands/reply.ts';

const papers: Reply = {
  kind: 'papers',
  heading: 'Papers for “x”',
  cards: [
    {
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
    },
  ],
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
