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

  it('R7: one person pasting 20 messages of unknown ids waits on 2 look-ups at most; the rest are answered at once, and another person is still looked up', async () => {
    // arXiv answering slowly: every look-up stays pending until the test lets them all go.
    let letGo: () => void = () => {};
    const slowArxiv = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const calls: string[][] = [];
    const { chat } = await linkChat(async (ids) => {
      calls.push([...ids]);
      await slowArxiv;
      return ids.map((id, i) => arxivEntry(100 + i, { arxivId: id }));
    });
    const alice = { platform: 'slack' as const, channel: 'C1', user: 'U-alice', space: 'T1' };
    const ids = (m: number) => Array.from({ length: 5 }, (_, i) => `2611.${String(40000 + m * 10 + i)}`).join(' ');
    const answers = Array.from({ length: 20 }, (_, m) => chat.answer(`/paper ${ids(m)}`, alice));
    const settled: Reply[] = [];
    for (const answer of answers) void answer.then((reply) => settled.push(reply));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // 18 answered at once, without asking arXiv: not in the index yet, with the search for the ids.
    expect(settled).toHaveLength(18);
    for (const reply of settled)
      expect(reply).toMatchObject({
        kind: 'choices',
        message: expect.stringMatching(/are not in the index yet \(many arXiv look-ups are waiting/),
        options: expect.arrayContaining([
          expect.objectContaining({ label: expect.stringMatching(/^\/search 2611\./) }),
        ]),
      });
    expect(calls).toHaveLength(2);
    // Another person is looked up all the same; past 6 pending in all, nobody is.
    const others = ['U-bob', 'U-carol', 'U-dan', 'U-erin', 'U-frank'].map((user, m) =>
      chat.answer(`/paper 2611.5000${m}`, { ...alice, user }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(6);
    letGo();
    const last = await others[4];
    expect(last?.kind === 'choices' && last.message).toMatch(/not in the index yet/);
    expect(titles((await others[0]) as Reply)).toHaveLength(1);
    expect(titles((await answers[0]) as Reply)).toHaveLength(5);
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
