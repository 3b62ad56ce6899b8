import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshPaperFeatures } from '../../src/core/foryou/paper-features.ts';
import { recommend } from '../../src/core/foryou/recommend.ts';
import type { TasteOwner, TasteStore } from '../../src/core/foryou/taste-store.ts';
import { featuresFromBytes } from '../../src/core/foryou/text-features.ts';
import type { PaperInput, PaperStore } from '../../src/core/store/paper-store.ts';

const NOW = new Date('2026-11-28T13:00:00Z');

const TOPICS = [
  'reinforcement learning reward models policy optimisation for agents',
  'protein folding structure prediction with diffusion models',
  'speech recognition for low resource languages with transducers',
  'graph neural networks for molecule property prediction',
];

/** Papers of four topics, three days, one conference paper with a year alone. */
export function tastePapers(): PaperInput[] {
  const papers: PaperInput[] = [];
  for (let i = 0; i < 24; i++) {
    const topic = TOPICS[i % 4] as string;
    papers.push({
      title: `${topic.split(' ').slice(0, 3).join(' ')} study ${i}`,
      authors: [`Author ${i}`],
      authorsTruncated: false,
      affiliations: [],
      abstract: `We study ${topic}. Variant ${i} of the method improves ${topic.split(' ')[0]} results.`,
      date: `2026-11-${String(20 + (i % 6)).padStart(2, '0')}`,
      category: 'LG',
      categoryFull: 'cs.LG',
      hasCode: false,
      codeUrl: null,
      arxivId: `2611.${String(i + 1).padStart(5, '0')}`,
      venue: null,
      citations: null,
    });
  }
  papers.push({
    ...(papers[0] as PaperInput),
    title: 'A conference paper on reward models for agents',
    date: '2026',
    abstract: null,
    arxivId: null,
    venue: 'ICML 2026',
  });
  return papers;
}

/** How many buckets two frequency tables disagree on (a deep equality of a million numbers is slow). */
const differences = (a: Int32Array, b: Int32Array) => a.reduce((n, v, i) => n + (v === b[i] ? 0 : 1), 0);

const alice: TasteOwner = { kind: 'user', platform: 'slack', space: 'T1', id: 'UALICE' };
const bob: TasteOwner = { kind: 'user', platform: 'slack', space: 'T1', id: 'UBOB' };
const channel: TasteOwner = { kind: 'channel', platform: 'slack', space: 'T1', id: 'C1' };

/** Taste signals, posted messages and text features, run against every store. */
export function describeTasteStoreContract(
  name: string,
  open: () => Promise<{ store: PaperStore; taste: TasteStore; close(): Promise<void> }>,
) {
  describe(`taste store contract: ${name}`, () => {
    let opened: { store: PaperStore; taste: TasteStore; close(): Promise<void> };
    let store: PaperStore;
    let taste: TasteStore;
    let ids: number[];
    beforeEach(async () => {
      opened = await open();
      ({ store, taste } = opened);
      await store.begin();
      const saved = await store.savePapers(tastePapers(), NOW);
      await store.commit();
      ids = [...saved.keys()].sort((a, b) => a - b);
    });
    afterEach(async () => {
      await opened.close();
    });

    it('keeps a person’s latest Like or Not interested, and each person’s reaction apart', async () => {
      const paperId = ids[0] as number;
      await taste.addSignal({ owner: alice, actor: 'UALICE', paperId, source: 'like' }, NOW);
      await taste.addSignal({ owner: alice, actor: 'UALICE', paperId, source: 'like' }, NOW);
      await taste.addSignal({ owner: alice, actor: 'UALICE', paperId, source: 'dismiss' }, NOW);
      expect((await taste.signals(alice)).map((s) => s.source)).toEqual(['dismiss']);
      await taste.addSignal({ owner: channel, actor: 'UALICE', paperId, source: 'reaction_up' }, NOW);
      await taste.addSignal({ owner: channel, actor: 'UBOB', paperId, source: 'reaction_up' }, NOW);
      expect(await taste.signalCount(channel)).toBe(2);
      expect(await taste.removeSignal({ owner: channel, actor: 'UBOB', paperId, source: 'reaction_up' })).toBe(true);
      expect(await taste.removeSignal({ owner: channel, actor: 'UBOB', paperId, source: 'reaction_up' })).toBe(false);
      expect((await taste.signals(channel)).map((s) => s.actor)).toEqual(['UALICE']);
      expect(await taste.signals(bob)).toEqual([]);
    });

    it('forgets a person’s signals, theirs and those they gave in channels, and nobody else’s', async () => {
      const paperId = ids[1] as number;
      await taste.addSignal({ owner: alice, actor: 'UALICE', paperId, source: 'like' }, NOW);
      await taste.addSignal({ owner: channel, actor: 'UALICE', paperId, source: 'like' }, NOW);
      await taste.addSignal({ owner: channel, actor: 'UBOB', paperId, source: 'like' }, NOW);
      await taste.addSignal({ owner: bob, actor: 'UBOB', paperId, source: 'like' }, NOW);
      expect(await taste.resetPerson({ platform: 'slack', space: 'T1', user: 'UALICE' })).toBe(2);
      expect(await taste.signals(alice)).toEqual([]);
      expect((await taste.signals(channel)).map((s) => s.actor)).toEqual(['UBOB']);
      expect(await taste.signals(bob)).toHaveLength(1);
    });

    it('remembers which paper a posted message holds', async () => {
      const message = { platform: 'discord', space: 'G1', channel: 'CH', messageId: 'M1', paperId: ids[2] as number };
      await taste.rememberMessage(message, NOW);
      expect(await taste.messagePaper('discord', 'CH', 'M1')).toEqual(message);
      expect(await taste.messagePaper('discord', 'CH', 'M2')).toBeUndefined();
    });

    it('keeps each paper’s features and the document frequencies in step as papers change', async () => {
      expect(await refreshPaperFeatures(store, taste)).toBe(ids.length);
      expect(await refreshPaperFeatures(store, taste)).toBe(0);
      const { docs, df } = await taste.frequencies();
      expect(docs).toBe(ids.length);
      const all = await taste.features(ids);
      expect(all.size).toBe(ids.length);
      const counted = new Int32Array(df.length);
      for (const bytes of all.values())
        for (const w of featuresFromBytes(bytes)) counted[w & 0xfffff] = (counted[w & 0xfffff] ?? 0) + 1;
      expect(differences(counted, df)).toBe(0);
      // A paper gains its abstract: its features are made again and the counts move, the paper count stays.
      await store.begin();
      const conference = tastePapers().at(-1) as PaperInput;
      await store.savePapers([{ ...conference, abstract: 'Something else entirely now about agents.' }], NOW);
      await store.commit();
      expect(await refreshPaperFeatures(store, taste)).toBe(1);
      const after = await taste.frequencies();
      expect(after.docs).toBe(ids.length);
      const again = new Int32Array(df.length);
      for (const bytes of (await taste.features(ids)).values())
        for (const w of featuresFromBytes(bytes)) again[w & 0xfffff] = (again[w & 0xfffff] ?? 0) + 1;
      expect(differences(again, after.df)).toBe(0);
      expect((await taste.sampleFeatures(10, 1)).size).toBeGreaterThan(0);
    });

    it('finds a window’s papers newest first, a year alone counting as its first of January', async () => {
      const window = await taste.papersInWindow('2026-11-24', '2026-11-26');
      const papers = await store.getPapers(window);
      expect(new Set(papers.map((p) => p.date))).toEqual(new Set(['2026-11-24', '2026-11-25']));
      expect(papers.map((p) => p.date)).toEqual([...papers.map((p) => p.date)].sort().reverse());
      const conference = await taste.papersInWindow('2026-01-01', '2026-01-02');
      expect((await store.getPapers(conference)).map((p) => p.title)).toEqual([
        'A conference paper on reward models for agents',
      ]);
      expect(await taste.newestDate()).toBe('2026-11-25');
      const keys = await taste.findByTitleKeys(['a conference paper on reward models for agents', 'nothing']);
      expect([...keys.keys()]).toEqual(['a conference paper on reward models for agents']);
    });

    it('two people’s tastes do not mix: one person’s saves leave the other’s answers as they were', async () => {
      const request = { owner: bob, since: '2026-11-20', until: '2026-11-26', limit: 30 };
      const before = await recommend({ store, taste }, request);
      const rl = { platform: 'slack', space: 'T1', user: 'UALICE' };
      for (const id of ids.filter((_, i) => i % 4 === 1).slice(0, 4)) await store.readingList.save(rl, id, NOW, 1000);
      const aliceAnswer = await recommend({ store, taste }, { ...request, owner: alice });
      expect(aliceAnswer.trained).toBe(true);
      expect(await recommend({ store, taste }, request)).toEqual(before);
      // A channel's taste holds no one's private saves either.
      expect((await recommend({ store, taste }, { ...request, owner: channel })).trained).toBe(false);
    });

    it('ranks a person’s topic first once they like three papers of it, with why terms from its text', async () => {
      const rl = { platform: 'slack', space: 'T1', user: 'UALICE' };
      const protein = ids.filter((_, i) => i % 4 === 1);
      for (const id of protein.slice(0, 3)) await store.readingList.save(rl, id, NOW, 1000);
      const dismissed = ids[0] as number;
      await taste.addSignal({ owner: alice, actor: 'UALICE', paperId: dismissed, source: 'dismiss' }, NOW);
      const answer = await recommend(
        { store, taste },
        { owner: alice, since: '2026-11-20', until: '2026-11-26', limit: 3 },
      );
      expect(answer.trained).toBe(true);
      expect(answer.candidates).toBe(ids.length - 1 - 4);
      const top = answer.results.map((r) => r.paper.id);
      expect(top.every((id) => protein.includes(id))).toBe(true);
      expect(top).not.toContain(dismissed);
      const first = answer.results[0];
      expect(first?.why.length).toBeGreaterThanOrEqual(3);
      const text = `${first?.paper.title} ${first?.paper.abstract}`.toLowerCase();
      for (const term of first?.why ?? []) expect(text).toContain(term.split(' ')[0]);
    });
  });
}
