import { expect, it } from 'vitest';
import { unfurlBlocks } from '../../../src/adapters/slack/render.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { toCards } from '../../../src/core/links/link-reply.ts';
import { arxivEntry } from '../../helpers/arxiv-entries.ts';

it('B8 a paper arXiv sent without a title (or with only control characters) unfurls with a header Slack accepts', async () => {
  const store = createSqliteStore(':memory:');
  const now = new Date('2026-11-28T10:00:00Z');
  await store.saveArxivEntries(
    [
      { ...arxivEntry(1), arxivId: '2611.00001', title: '' },
      { ...arxivEntry(2), arxivId: '2611.00002', title: '\u0007\u200b ' },
    ],
    'listing',
    now,
  );
  const ids = [...(await store.findByArxivIds(['2611.00001', '2611.00002'])).values()];
  for (const card of await toCards(ids, store)) {
    const [header] = unfurlBlocks(card) as { type: string; text: { text: string } }[];
    expect(header?.type).toBe('header');
    // Slack refuses a header whose text is empty or only white space (invalid_blocks): the whole unfurl fails.
    expect(header?.text.text.trim()).not.toBe('');
  }
});
