import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import type { ArxivEntry } from '../../../src/core/arxiv/arxiv-entry.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import { toIntent } from '../../../src/core/commands/intent.ts';
import type { Reply } from '../../../src/core/commands/reply.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { resolveRefs } from '../../../src/core/links/lookup.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import { arxivEntry } from '../../helpers/arxiv-entries.ts';
import { LINKED, writeLinkedRecords } from '../../helpers/link-papers.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const NOW = new Date('2026-11-28T10:00:00Z');

/** A lookup standing in for arXiv's API: answers from `known`, records every call. */
function fakeLookup(known: ArxivEntry[]) {
  const calls: string[][] = [];
  const lookup = async (ids: readonly string[]) => {
    calls.push([...ids]);
    return known.filter((e) => ids.includes(e.arxivId));
  };
  return { lookup, calls };
}

describe('link answers in the chat', () => {
  const tempDir = useTempDir();

  async function linkChat(arxiv?: (ids: readonly string[]) => Promise<ArxivEntry[]>) {
    const store = createSqliteStore(':memory:');
    await ingestPaths([SAMPLE_PAGE, writeLinkedRecords(tempDir())], { store, clock: () => NOW });
    await store.saveArxivEntries([arxivEntry(1, { doi: '10.1234/Held.Paper' })], 'lookup', NOW);
    const search = createSearch({
      store,
      index: await PaperIndex.open({ store }),
      text: createSqliteTextIndex(store.db),
    });
    const errors: unknown[] = [];
    const chat = createChat({ store, search, clock: () => NOW, arxiv, onLookupError: (e) => errors.push(e) });
    return { store, chat, errors };
  }
  const titles = (reply: Reply) => (reply.kind === 'papers' ? reply.cards.map((c) => c.title) : []);

  it('answers /paper with a link by the card of the paper held under that id, whatever the version', async () => {
    const { chat } = await linkChat();
    const reply = await chat.answer('/paper https://arxiv.org/abs/2604.19544v2');
    expect(reply.kind).toBe('papers');
    expect(titles(reply)).toEqual([LINKED.title]);
  });

  it('finds a paper by its DOI, case aside', async () => {
    const { chat } = await linkChat();
    expect(titles(await chat.answer('https://doi.org/10.1234/held.paper'))).toEqual([arxivEntry(1).title]);
  });

  it('shows the first 5 papers of 7 links, then "2 more not shown"', async () => {
    const { chat } = await linkChat();
    const ids = Array.from({ length: 7 }, (_, i) => `arXiv:2501.0000${i + 1}`).join(' ');
    const reply = await chat.answer(`/paper ${ids}`);
    expect(titles(reply)).toEqual([1, 2, 3, 4, 5].map((n) => `Linked paper number ${n}`));
    expect(reply.kind === 'papers' && reply.heading).toContain('2 more not shown');
  });

  it('keeps a line with words besides the links a search', () => {
    expect(toIntent('/paper 2310.13548 transformers')).toEqual({
      type: 'paper',
      query: '2310.13548 transformers',
    });
    expect(toIntent('/search 2310.13548')).toEqual({ type: 'paper', query: '2310.13548' });
    expect(toIntent('what about https://arxiv.org/abs/2310.13548').type).toBe('paper');
  });

  it('reads links in the running text of a mention, and a terminal line of only links, as a lookup', () => {
    const ref = { kind: 'arxiv', id: '2310.13548', version: null };
    expect(toIntent('what about https://arxiv.org/abs/2310.13548', { mention: true })).toEqual({
      type: 'links',
      refs: [ref],
    });
    expect(toIntent('@paperboy have you seen arXiv:2310.13548?')).toEqual({ type: 'links', refs: [ref] });
    expect(toIntent('<https://arxiv.org/abs/2310.13548|sycophancy>')).toEqual({ type: 'links', refs: [ref] });
  });

  it('looks a paper it lacks up on arXiv, stores it unannounced, answers its card, and asks only once', async () => {
    const missing = arxivEntry(42, { arxivId: '2611.30042', title: 'Fetched from arXiv' });
    const arxiv = fakeLookup([missing]);
    const { chat, store } = await linkChat(arxiv.lookup);
    expect(await chat.mayWait('/paper 2611.30042v3')).toBe(true);
    expect(titles(await chat.answer('/paper 2611.30042v3'))).toEqual(['Fetched from arXiv']);
    expect(arxiv.calls).toEqual([['2611.30042']]);
    const id = (await store.findByArxivIds(['2611.30042'])).get('2611.30042');
    expect(id).toBeDefined();
    expect((await store.getPapers([id as number]))[0]?.announce).toBe(false);
    expect(await chat.mayWait('/paper 2611.30042')).toBe(false);
    expect(titles(await chat.answer('/paper 2611.30042'))).toEqual(['Fetched from arXiv']);
    expect(arxiv.calls).toHaveLength(1);
  });

  it('with the lookup off, says the paper is not in the index and offers the search for its id', async () => {
    const { chat } = await linkChat();
    expect(await chat.mayWait('/paper 2611.30042')).toBe(false);
    const reply = await chat.answer('/paper 2611.30042');
    expect(reply).toMatchObject({
      kind: 'choices',
      message: expect.stringContaining('arXiv 2611.30042 is not in the index'),
      options: [{ label: '/search 2611.30042', action: { type: 'page', query: '2611.30042', page: 1 } }],
    });
  });

  it('when arXiv cannot be reached, says the paper is not in the index and never throws', async () => {
    const { chat, errors } = await linkChat(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    const reply = await chat.answer('https://arxiv.org/abs/2611.30042 https://arxiv.org/abs/2604.19544');
    expect(titles(reply)).toEqual([LINKED.title]);
    expect(reply.kind === 'papers' && reply.heading).toMatch(
      /arXiv 2611\.30042 is not in the index \(arXiv could not be reached/,
    );
    expect(errors).toHaveLength(1);
  });

  it('a DOI the index lacks is not looked up on arXiv', async () => {
    const arxiv = fakeLookup([]);
    const { store } = await linkChat(arxiv.lookup);
    const [resolved] = await resolveRefs([{ kind: 'doi', doi: '10.9999/none' }], { store, arxiv: arxiv.lookup });
    expect(resolved).toMatchObject({ paperId: null, reason: 'not_held' });
    expect(arxiv.calls).toEqual([]);
  });

  it('the Share button of a link answer shows the same cards again', async () => {
    const { chat } = await linkChat();
    const reply = await chat.answer('/paper 2604.19544 doi:10.1234/held.paper');
    if (reply.kind !== 'papers') throw new Error(`expected cards, got ${reply.kind}`);
    expect(titles(await chat.act(reply.page.current))).toEqual(titles(reply));
  });
});
