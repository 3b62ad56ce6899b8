import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiscord } from '../../../src/adapters/discord/render.ts';
import { renderSlack } from '../../../src/adapters/slack/render.ts';
import { createSqliteDigests } from '../../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { PLAIN, renderReply } from '../../../src/adapters/terminal/render.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import { RELAXED_LINE } from '../../../src/core/commands/reply.ts';
import type { DigestDelivery, DigestPoster } from '../../../src/core/digest/run-digests.ts';
import { runDueDigests } from '../../../src/core/digest/run-digests.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import type { PaperInput, PaperStore } from '../../../src/core/store/paper-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const now = new Date('2026-11-28T12:00:00Z');

function paper(n: number, fields: Partial<PaperInput> = {}): PaperInput {
  return {
    title: `Filler study ${n}`,
    authors: [`Author ${n}`],
    authorsTruncated: false,
    affiliations: [],
    abstract: `Filler abstract ${n}.`,
    date: `2025-01-${String((n % 28) + 1).padStart(2, '0')}`,
    category: 'CL',
    categoryFull: 'cs.CL',
    hasCode: false,
    codeUrl: null,
    arxivId: null,
    venue: null,
    citations: null,
    ...fields,
  };
}

async function save(store: PaperStore, papers: PaperInput[]) {
  await store.begin();
  await store.savePapers(papers, now);
  await store.commit();
}

async function memorySearch(papers: PaperInput[]) {
  const store = createSqliteStore(':memory:');
  await save(store, papers);
  return {
    store,
    search: createSearch({ store, index: await PaperIndex.open({ store }), text: createSqliteTextIndex(store.db) }),
  };
}

describe('filters are part of producing the matches, never applied after a cut-off', () => {
  it("finds a listed author's paper on a word 400 better-scoring papers also hold (the MedHopQA case)", async () => {
    const others = Array.from({ length: 400 }, (_, n) =>
      paper(n, { title: `Question answering question ${n}`, abstract: 'question question question' }),
    );
    const target = paper(1000, {
      title: 'MedHopQA: A Disease-Centered Multi-Hop Reasoning Benchmark',
      authors: ['Rezarta Islamaj', 'Zhiyong Lu'],
      abstract: 'A benchmark for biomedical question answering.',
    });
    const { store, search } = await memorySearch([...others, target]);
    const page = await search.search('author:"Rezarta Islamaj" question');
    expect(page.total).toBe(1);
    expect(page.results[0]?.paper.title).toMatch(/^MedHopQA/);
    await store.close();
  });

  it('counts every match of a common word and its last page has papers (no 300 or 5,000 cap)', async () => {
    const papers = Array.from({ length: 5300 }, (_, n) =>
      paper(n, { title: n % 2 ? `Language study ${n}` : `Study ${n}`, abstract: `about language ${n}` }),
    );
    const { store, search } = await memorySearch(papers);
    const first = await search.search('language', { pageSize: 100 });
    expect(first.total).toBe(5300);
    const last = await search.search('language', { pageSize: 100, page: 53 });
    expect(last.results).toHaveLength(100);
    expect((await search.search('language', { pageSize: 100, page: 54 })).results).toHaveLength(0);
    const filtered = await search.search('study cat:CL', { pageSize: 100 });
    expect(filtered.total).toBe(5300);
    expect((await search.search('study cat:CL', { pageSize: 100, page: 53 })).results).toHaveLength(100);
    await store.close();
  });
});

describe('words from an abstract', () => {
  it('puts the one paper holding all three words first, above papers with one of them in the title', async () => {
    const titled = ['Faithful', 'Naturally', 'Dedicated'].map((w, n) =>
      paper(n, { title: `${w} things ${n}`, abstract: 'nothing else here' }),
    );
    const target = paper(9, {
      title: 'WebVR: benchmarking page recreation',
      abstract: 'A faithful recreation, naturally, by a dedicated pipeline.',
    });
    const { store, search } = await memorySearch([...titled, target]);
    const page = await search.search('faithful naturally dedicated');
    expect(page.results[0]?.paper.title).toBe(target.title);
    expect(page.total).toBe(1);
    expect(page.relaxed).toBe(false);
    await store.close();
  });

  it('answers a question by its content words', async () => {
    const { store, search } = await memorySearch([
      paper(1, {
        title: 'Towards Understanding Sycophancy in Language Models',
        abstract: 'Models become sycophantic.',
      }),
      paper(2, { title: 'Language models of code' }),
    ]);
    const page = await search.search('how do language models become sycophantic');
    expect(page.results.map((r) => r.paper.id)).toEqual([1]);
    await store.close();
  });
});

describe('relaxed answers', () => {
  it('answers the papers holding most of the words, says so, and digests stay strict', async () => {
    const { store, search } = await memorySearch([
      paper(1, { title: 'Reward hacking in agents', abstract: 'reward hacking' }),
      paper(2, { title: 'Reward models', abstract: 'reward' }),
      paper(3, { title: 'Zebra crossings', abstract: 'zebra' }),
    ]);
    const page = await search.search('reward hacking zebra', { pageSize: 10 });
    expect(page.relaxed).toBe(true);
    expect(page.total).toBe(3);
    expect(page.results[0]?.paper.id).toBe(1);
    expect(await search.filterMatching('reward hacking zebra', [1, 2, 3])).toEqual([]);
    const chat = createChat({ store, search });
    const reply = await chat.handle('/paper reward hacking zebra');
    expect(reply).toMatchObject({ kind: 'papers', relaxed: true });
    expect(renderReply(reply, PLAIN)).toContain(RELAXED_LINE);
    expect(renderDiscord(reply).content).toContain(RELAXED_LINE);
    expect(JSON.stringify(renderSlack(reply).blocks)).toContain(RELAXED_LINE);
    expect(await chat.handle('/paper reward hacking')).not.toHaveProperty('relaxed');
    await store.close();
  });
});

describe('what is derived from the papers follows them', () => {
  const tempDir = useTempDir();

  it('a word another process ingests after a first look-up is found by the running search and reaches a watch', async () => {
    const file = join(tempDir(), 'p.db');
    const bot = createSqliteStore(file);
    const writer = createSqliteStore(file);
    await save(writer, [paper(1)]);
    const search = createSearch({
      store: bot,
      index: await PaperIndex.open({ store: bot }),
      text: createSqliteTextIndex(bot.db),
    });
    const digests = createSqliteDigests(bot.db);
    let clock = now;
    const chat = createChat({ store: bot, search, digests: { digests, clock: () => clock, defaultTz: 'UTC' } });
    const context = { platform: 'slack' as const, channel: 'C1', user: 'U7' };
    await chat.handle('/digest watch zebrafish', context);
    expect((await search.search('zebrafish')).total).toBe(0);
    expect(await search.filterMatching('zebrafish', [1])).toEqual([]);

    // In the abstract only: the title index cannot stand in for the text index here.
    await save(writer, [paper(2, { abstract: 'Regeneration in zebrafish larvae.' })]);
    expect((await search.search('zebrafish')).results.map((r) => r.paper.id)).toEqual([2]);
    const posted: DigestDelivery[] = [];
    const poster: DigestPoster = {
      post: async (delivery) => {
        posted.push(delivery);
        return 'm1';
      },
      findPosted: async () => undefined,
      resume: async () => {},
    };
    clock = new Date('2026-11-28T12:05:00Z');
    await runDueDigests({
      store: bot,
      digests,
      search,
      posters: { slack: poster },
      now: clock,
      maxLateMinutes: 720,
      log: () => {},
    });
    expect(posted.flatMap((d) => d.cards.map((c) => c.id))).toEqual([2]);
    // A title word another process adds completes an unfinished last word at the very next query.
    await save(writer, [paper(3, { title: 'Zebrafishology for beginners' })]);
    expect((await search.search('zebrafisho')).results.map((r) => r.paper.id)).toEqual([3]);
    await writer.close();
    await bot.close();
  });
});

describe('long words', () => {
  it('matches a word over 40 characters only as spelled: no typo alternatives, no completions', async () => {
    const long = 'a'.repeat(41);
    const { store, search } = await memorySearch([
      paper(1, { title: `${long}b study` }),
      paper(2, { title: `${'a'.repeat(40)} study` }),
    ]);
    expect((await search.search(long)).total).toBe(0);
    expect((await search.search('a'.repeat(40))).results.map((r) => r.paper.id)).toEqual([2]);
    // 1,000 characters is the longest query (README, Limits); a word that long is looked up as spelled.
    expect((await search.search('q'.repeat(1000))).total).toBe(0);
    await expect(search.search('q'.repeat(16_000))).rejects.toThrow(/too long/);
    await store.close();
  });
});
