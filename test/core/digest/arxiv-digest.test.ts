import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { DIGEST_MAX_PAPERS } from '../../../src/core/digest/digest-selection.ts';
import type { NewSubscription } from '../../../src/core/digest/digest-store.ts';
import { type DigestDelivery, type DigestPoster, runDueDigests } from '../../../src/core/digest/run-digests.ts';
import { arxivEntry } from '../../helpers/arxiv-entries.ts';
import { chatWithDigests, dailySubscription } from '../../helpers/digest-fixture.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';

/** An in-memory Paperboy whose Slack poster records deliveries; arXiv listings are saved as a sync saves them. */
async function setup() {
  let now = new Date('2026-11-26T12:00:00Z');
  const store = createSqliteStore(':memory:');
  const { digests, search, chat } = await chatWithDigests(store, () => now);
  const posted: DigestDelivery[] = [];
  const poster: DigestPoster = {
    async post(delivery) {
      posted.push(delivery);
      return `msg-${posted.length}`;
    },
    findPosted: async () => undefined,
    resume: async () => {},
  };
  const subscribe = async (changes: Partial<NewSubscription> = {}) =>
    digests.addSubscription(dailySubscription({ watermark: await store.maxSeq(), ...changes }), now);
  return {
    store,
    search,
    chat,
    posted,
    subscribe,
    sync: (entries: Parameters<typeof store.saveArxivEntries>[0]) => store.saveArxivEntries(entries, 'listing', now),
    /** Runs the 09:00 digests of `day` (November 2026) and returns what each subscription got, by title. */
    async digestOn(day: number) {
      now = new Date(`2026-11-${day}T09:00:00Z`);
      const before = posted.length;
      await runDueDigests({
        store,
        digests,
        search,
        posters: { slack: poster },
        now,
        maxLateMinutes: 60,
        log: () => {},
      });
      return posted.slice(before);
    },
  };
}

const titles = (deliveries: DigestDelivery[]) => deliveries.map((d) => d.cards.map((c) => c.title));

describe('arXiv papers in digests', () => {
  it('a new entry reaches the next digest once; its v2 as replace updates the card and reaches no digest', async () => {
    const t = await setup();
    await t.subscribe();
    await t.sync([arxivEntry(1)]);
    const first = await t.digestOn(27);
    expect(titles(first)).toEqual([[arxivEntry(1).title]]);
    expect(first[0]?.cards[0]?.url).toBe('https://arxiv.org/abs/2611.20001');

    const v2 = arxivEntry(1, { announceType: 'replace', version: 2, title: 'Calibrated reasoning, revised' });
    expect(await t.sync([v2])).toMatchObject({ replaced: 1, newPapers: 0 });
    expect(await t.digestOn(28)).toEqual([]);
    const card = (await t.search.search('revised')).results[0];
    expect(card?.paper).toMatchObject({ title: 'Calibrated reasoning, revised', arxivVersion: 2 });
  });

  it('the same listing saved twice stores nothing new, and its papers go out once', async () => {
    const t = await setup();
    await t.subscribe();
    const listing = [arxivEntry(1), arxivEntry(2), arxivEntry(3, { announceType: 'cross' })];
    expect((await t.sync(listing)).newPapers).toBe(3);
    expect((await t.sync(listing)).newPapers).toBe(0);
    expect((await t.digestOn(27))[0]?.cards).toHaveLength(3);
    expect((await t.sync(listing)).newPapers).toBe(0);
    expect(await t.digestOn(28)).toEqual([]);
  });

  it('a cross-listed paper reaches a digest whose query matches one of its other categories', async () => {
    const t = await setup();
    await t.subscribe({ query: 'cat:cs.RO' });
    await t.subscribe({ query: 'cat:RO', channel: 'C2' });
    await t.sync([
      arxivEntry(1, { announceType: 'cross', categories: ['cs.LG', 'cs.RO'] }),
      arxivEntry(2, { categories: ['cs.CL'] }),
    ]);
    expect(titles(await t.digestOn(27))).toEqual([[arxivEntry(1).title], [arxivEntry(1).title]]);
  });

  it('papers from lookups, backfills and replacements of unknown papers never reach a digest or a preview', async () => {
    const t = await setup();
    const subscription = await t.subscribe();
    await t.store.saveArxivEntries([arxivEntry(1, { announceType: null })], 'lookup', new Date());
    await t.store.saveArxivEntries([arxivEntry(2, { announceType: null })], 'backfill', new Date());
    await t.sync([arxivEntry(3, { announceType: 'replace', version: 2 })]);
    const preview = await t.chat.handle(`/digest preview ${subscription.id}`, {
      platform: 'slack',
      channel: 'C1',
      user: 'U1',
    });
    // An empty preview is a notice that nothing is new, with no cards.
    expect(preview).toMatchObject({ kind: 'notice', text: expect.stringMatching(/would post nothing now/) });
    expect(await t.digestOn(27)).toEqual([]);
    expect((await t.search.search('calibrated reasoning')).total).toBe(3);
  });

  it("a profile page's copy of a paper gains the arXiv link and is not announced again", async () => {
    const t = await setup();
    await t.subscribe();
    const title = 'Tidal lagoons as reward models';
    await t.store.saveProfile(
      fakeProfile('Ann', [fakePaper(1, { title })]),
      { path: 'ann', contentHash: '1' },
      new Date(),
    );
    expect(titles(await t.digestOn(27))).toEqual([[title]]);
    expect(await t.sync([arxivEntry(5, { title, doi: '10.1/LAGOON' })])).toMatchObject({ new: 1, newPapers: 0 });
    expect(await t.digestOn(28)).toEqual([]);
    const [hit] = (await t.search.search('tidal lagoons')).results;
    expect(hit?.paper).toMatchObject({ arxivId: '2611.20005', doi: '10.1/LAGOON' });
  });

  it('shows at most 50 papers, newest first, says how many more with a search that lists them, and moves past all', async () => {
    const t = await setup();
    await t.subscribe();
    const count = DIGEST_MAX_PAPERS + 70;
    // Dates spread over 120 days, listed oldest first: the newest 50 are shown.
    const entries = Array.from({ length: count }, (_, i) =>
      arxivEntry(i + 1, { published: new Date(Date.UTC(2026, 6, 1) + i * 86_400_000).toISOString().slice(0, 10) }),
    );
    const saved = await t.sync(entries);
    const [digest] = await t.digestOn(27);
    expect(digest?.heading).toBe(`${count} new papers`);
    expect(digest?.cards.map((c) => c.title)).toEqual(
      entries
        .slice(-DIGEST_MAX_PAPERS)
        .reverse()
        .map((e) => e.title),
    );
    expect(digest?.more).toMatchObject({ count: 70, search: `since:${entries[0]?.published} sort:date` });
    expect(digest?.more?.text).toBe('…and 70 more new papers: /paper since:2026-07-01 sort:date');
    // The search lists every paper left out.
    const listed = new Set<number>();
    for (let page = 1; page <= 2; page++) {
      for (const hit of (await t.search.search(digest?.more?.search ?? '', { page, pageSize: 100 })).results) {
        listed.add(hit.paper.id);
      }
    }
    const shown = new Set(digest?.cards.map((c) => c.id));
    const left = saved.paperIds.filter((id) => !shown.has(id));
    expect(left).toHaveLength(70);
    expect(left.every((id) => listed.has(id))).toBe(true);
    // The watermark moved past all of them: the next digest has nothing.
    expect(await t.digestOn(28)).toEqual([]);
  });

  it('shows the best matches first when a query digest is cut short', async () => {
    const t = await setup();
    await t.subscribe({ query: 'lagoon' });
    const plain = Array.from({ length: DIGEST_MAX_PAPERS + 5 }, (_, i) =>
      arxivEntry(i + 1, { title: `Study ${i + 1} of coastal things`, abstract: 'One lagoon is mentioned here.' }),
    );
    const best = arxivEntry(500, { title: 'Lagoon lagoon: lagoons of the lagoon', abstract: 'Lagoon tides.' });
    await t.sync([...plain, best]);
    const [digest] = await t.digestOn(27);
    expect(digest?.cards).toHaveLength(DIGEST_MAX_PAPERS);
    expect(digest?.cards[0]?.title).toBe(best.title);
    expect(digest?.more?.count).toBe(6);
    expect(digest?.more?.search).toBe('lagoon since:2026-11-26 sort:date');
  });
});
