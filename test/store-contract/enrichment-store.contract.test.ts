import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArxivGate } from '../../src/adapters/arxiv/arxiv-gate.ts';
import { createOpenAlexClient } from '../../src/adapters/openalex/openalex-client.ts';
import { createSemanticScholarClient } from '../../src/adapters/semantic-scholar/semantic-scholar-client.ts';
import { openStores, type Stores } from '../../src/cli/open-stores.ts';
import { refreshSchedule } from '../../src/core/enrich/enrichment-store.ts';
import { runEnrichment } from '../../src/core/enrich/run-enrichment.ts';
import type { PaperFigures } from '../../src/core/enrich/scholarly.ts';
import { type FakeOpenAlex, startFakeOpenAlex } from '../fakes/fake-openalex.ts';
import { type FakeSemanticScholar, startFakeSemanticScholar } from '../fakes/fake-semantic-scholar.ts';
import { hasScholarlyData } from '../fakes/scholarly-data.ts';
import { ENRICH_PAPERS } from '../helpers/enrich-papers.ts';
import { createTestDatabase, testPostgres } from '../helpers/pg.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const tempDir = useTempDir();
const postgres = testPostgres();
const NOW = new Date('2026-12-08T03:00:00Z');
const DAY = 86_400_000;

const figures = (over: Partial<PaperFigures> = {}): PaperFigures => ({
  source: 'openalex',
  citations: 10,
  byYear: [{ year: 2025, count: 10 }],
  doi: null,
  venue: null,
  tldr: null,
  ...over,
});

type Open = () => Promise<{ open: () => Promise<Stores>; drop: () => Promise<void> }>;

const engines: [string, Open, string | false][] = [
  [
    'SQLite',
    async () => {
      const file = join(tempDir(), 'p.db');
      return { open: () => openStores({ kind: 'sqlite', file }), drop: async () => {} };
    },
    false,
  ],
  [
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase(postgres.url);
      const dir = tempDir();
      let n = 0;
      return {
        open: () =>
          openStores(
            { kind: 'postgres', url: db.url },
            { env: { PAPERBOY_SEARCH_CACHE: join(dir, `cache-${n++}.sqlite`) } },
          ),
        drop: db.drop,
      };
    },
    postgres.skip,
  ],
];

for (const [engine, make, skip] of engines) {
  describe.skipIf(skip)(`enrichment store on ${engine}`, () => {
    let stores: Stores;
    let db: Awaited<ReturnType<Open>>;
    let ids: Map<string, number>;
    beforeEach(async () => {
      db = await make();
      stores = await db.open();
      await stores.store.savePapers(ENRICH_PAPERS, NOW);
      const papers = await stores.store.getPapers(
        [...(await stores.store.papersChangedSince(0, 100))].map((p) => p.id),
      );
      ids = new Map(papers.map((p) => [p.title, p.id]));
    });
    afterEach(async () => {
      await stores.close();
      await db.drop();
    });
    const id = (title: string) => ids.get(title) as number;
    const TURING = 'Computing Machinery and Intelligence';
    const LLM = 'Large Language Models Pass the Turing Test';

    it('due: papers with an arXiv id or DOI, never-asked first; asked ones wait for the schedule (new daily, old weekly)', async () => {
      const schedule = refreshSchedule(NOW);
      const due = await stores.enrichment.due('openalex', { schedule, limit: 100 });
      expect(due).toHaveLength(5);
      expect(due.map((p) => p.id)).not.toContain(id('A profile-only paper'));
      expect(await stores.enrichment.due('openalex', { schedule, limit: 2 })).toHaveLength(2);
      expect(await stores.enrichment.due('openalex', { schedule, limit: 100, since: '2025-01-01' })).toHaveLength(1);

      const revBefore = await stores.store.maxRev();
      const changed = await stores.enrichment.saveFigures(
        'openalex',
        new Map([[id(TURING), figures()]]),
        due.map((p) => p.id).filter((x) => x !== id(TURING)),
        NOW,
      );
      expect(changed).toEqual([id(TURING)]);
      expect(await stores.store.maxRev()).toBe(revBefore);
      expect(await stores.enrichment.due('openalex', { schedule, limit: 100 })).toEqual([]);
      expect(await stores.enrichment.due('semantic_scholar', { schedule, limit: 100 })).toHaveLength(5);

      // A new paper (dated within 30 days) is due a day later; every paper a week later.
      const newPaperDay = new Date(NOW.getTime() - 3 * DAY).toISOString().slice(0, 10);
      await stores.store.savePapers(
        [
          {
            ...(ENRICH_PAPERS[0] as (typeof ENRICH_PAPERS)[0]),
            title: 'Fresh',
            arxivId: '2612.00001',
            date: newPaperDay,
          },
        ],
        NOW,
      );
      const fresh = (await stores.enrichment.due('openalex', { schedule, limit: 100 }))[0]?.id as number;
      await stores.enrichment.saveFigures('openalex', new Map(), [fresh], NOW);
      const dayLater = refreshSchedule(new Date(NOW.getTime() + DAY));
      expect((await stores.enrichment.due('openalex', { schedule: dayLater, limit: 100 })).map((p) => p.id)).toEqual([
        fresh,
      ]);
      const weekLater = refreshSchedule(new Date(NOW.getTime() + 7 * DAY));
      expect(await stores.enrichment.due('openalex', { schedule: weekLater, limit: 100 })).toHaveLength(6);
    });

    it('saveFigures reports only papers whose figures changed; the service count wins over the record, OpenAlex over Semantic Scholar', async () => {
      const llm = id(LLM);
      expect((await stores.enrichment.citationCounts()).get(llm)).toBe(5);
      expect(
        await stores.enrichment.saveFigures(
          'semantic_scholar',
          new Map([[llm, figures({ source: 'semantic_scholar', citations: 72, byYear: [] })]]),
          [],
          NOW,
        ),
      ).toEqual([llm]);
      expect((await stores.enrichment.citationCounts()).get(llm)).toBe(72);
      expect(
        await stores.enrichment.saveFigures(
          'semantic_scholar',
          new Map([[llm, figures({ source: 'semantic_scholar', citations: 72, byYear: [] })]]),
          [],
          NOW,
        ),
      ).toEqual([]);
      await stores.enrichment.saveFigures('openalex', new Map([[llm, figures({ citations: 80 })]]), [], NOW);
      expect((await stores.enrichment.citationCounts()).get(llm)).toBe(80);
      expect((await stores.enrichment.citationCounts()).get(id('A profile-only paper'))).toBe(40);
      expect((await stores.enrichment.citationCounts()).has(id('A paper nobody has heard of'))).toBe(false);
      const stored = (await stores.enrichment.figuresOf([llm])).get(llm) ?? [];
      expect(stored.map((f) => [f.source, f.citations, f.fetchedAt]).sort()).toEqual([
        ['openalex', 80, NOW.toISOString()],
        ['semantic_scholar', 72, NOW.toISOString()],
      ]);
      expect(stored.find((f) => f.source === 'openalex')?.byYear).toEqual([{ year: 2025, count: 10 }]);
    });

    it('the lease: a second runner is refused while the first holds it, and takes it once it runs out', async () => {
      const t = NOW.getTime();
      expect(await stores.enrichment.claim('scholarly', 'a', t, 1000)).toBe(true);
      expect(await stores.enrichment.claim('scholarly', 'b', t + 10, 1000)).toBe(false);
      expect(await stores.enrichment.claim('scholarly', 'a', t + 20, 1000)).toBe(true);
      expect(await stores.enrichment.claim('scholarly', 'b', t + 2000, 1000)).toBe(true);
      await stores.enrichment.release('scholarly', 'b');
      expect(await stores.enrichment.claim('scholarly', 'a', t + 2001, 1000)).toBe(true);
    });

    it('author look-ups: a daily cap, and the figures cached by name', async () => {
      expect(await stores.enrichment.takeAuthorLookup('2026-12-08', 2)).toBe(true);
      expect(await stores.enrichment.takeAuthorLookup('2026-12-08', 2)).toBe(true);
      expect(await stores.enrichment.takeAuthorLookup('2026-12-08', 2)).toBe(false);
      expect(await stores.enrichment.takeAuthorLookup('2026-12-09', 2)).toBe(true);
      expect(await stores.enrichment.authorFigures('ada lovelace')).toBeUndefined();
      const cached = {
        source: 'openalex' as const,
        found: true,
        hIndex: 12,
        citations: 3400,
        externalId: 'A5023888391',
        fetchedAt: NOW.toISOString(),
      };
      await stores.enrichment.saveAuthorFigures('ada lovelace', cached);
      expect(await stores.enrichment.authorFigures('ada lovelace')).toEqual(cached);
    });

    describe.skipIf(!hasScholarlyData)('with the fakes', () => {
      let openalex: FakeOpenAlex;
      let s2: FakeSemanticScholar;
      beforeEach(async () => {
        [openalex, s2] = await Promise.all([startFakeOpenAlex(), startFakeSemanticScholar()]);
        openalex.slowMs = 150;
        s2.slowMs = 150;
      });
      afterEach(async () => {
        await Promise.all([openalex.stop(), s2.stop()]);
      });

      it('two instances on one database running at once ask for each paper once', async () => {
        const other = await db.open();
        try {
          const lookups = () => [
            createOpenAlexClient({ baseUrl: openalex.url, gate: createArxivGate({ minIntervalMs: 0 }) }),
            createSemanticScholarClient({ baseUrl: s2.url, gate: createArxivGate({ minIntervalMs: 0 }) }),
          ];
          const runs = await Promise.all(
            [stores, other].map((s, n) =>
              runEnrichment({ store: s.enrichment, lookups: lookups(), clock: () => NOW, owner: `instance-${n}` }),
            ),
          );
          expect(runs.filter((r) => r.busy)).toHaveLength(1);
          expect(runs.find((r) => !r.busy)).toMatchObject({ papers: 5, updated: 4, notFound: 1, failed: 0 });
          const s2Ids = s2.requests.flatMap((r) => (JSON.parse(r.body) as { ids: string[] }).ids);
          expect(new Set(s2Ids).size).toBe(s2Ids.length);
          const oaDois = openalex.requests
            .filter((r) => r.query.cursor === '*')
            .flatMap((r) => (r.query.filter ?? '').slice(4).split('|'));
          expect(new Set(oaDois).size).toBe(oaDois.length);
          expect(oaDois).toHaveLength(5);
          // And afterwards neither finds anything due.
          const again = await runEnrichment({
            store: other.enrichment,
            lookups: lookups(),
            clock: () => NOW,
            owner: 'x',
          });
          expect(again.papers).toBe(0);
        } finally {
          await other.close();
        }
      });
    });
  });
}
