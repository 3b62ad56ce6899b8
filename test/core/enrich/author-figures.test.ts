import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArxivGate } from '../../../src/adapters/arxiv/arxiv-gate.ts';
import { createOpenAlexClient } from '../../../src/adapters/openalex/openalex-client.ts';
import { PLAIN, renderReply } from '../../../src/adapters/terminal/render.ts';
import { openStores, type Stores } from '../../../src/cli/open-stores.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import { createAuthorFigures, resolveAuthor } from '../../../src/core/enrich/author-figures.ts';
import { openSearch } from '../../../src/core/search/open-search.ts';
import { toAuthorKey } from '../../../src/core/store/author-index.ts';
import type { StoredPaper } from '../../../src/core/store/paper-store.ts';
import { type FakeOpenAlex, startFakeOpenAlex } from '../../fakes/fake-openalex.ts';
import { hasScholarlyData } from '../../fakes/scholarly-data.ts';
import { ENRICH_PAPERS } from '../../helpers/enrich-papers.ts';
import { runPaperboy } from '../../helpers/run-cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const tempDir = useTempDir();
const NOW = new Date('2026-12-08T04:00:00Z');
// The real author body is Jason Priem (A5023888391, h-index 17, cited 3,984).
const NAME = 'Jason Priem';
const OWN_DOI = '10.1596/1813-9450-3630';

describe.skipIf(!hasScholarlyData)('author figures from OpenAlex', () => {
  let fake: FakeOpenAlex;
  let stores: Stores;
  let db: string;
  let papers: StoredPaper[];
  beforeEach(async () => {
    fake = await startFakeOpenAlex();
    db = join(tempDir(), 'p.db');
    stores = await openStores({ kind: 'sqlite', file: db });
    // Two papers of the index list the name: one OpenAlex knows by its DOI.
    await stores.store.savePapers(
      [
        { ...(ENRICH_PAPERS[3] as (typeof ENRICH_PAPERS)[0]), authors: [NAME, 'Ada Lovelace'] },
        { ...(ENRICH_PAPERS[4] as (typeof ENRICH_PAPERS)[0]), authors: [NAME] },
      ],
      NOW,
    );
    papers = await stores.store.getPapers(await stores.store.authors.paperIds(toAuthorKey(NAME)));
  });
  afterEach(async () => {
    await stores.close();
    await fake.stop();
  });
  const client = () => createOpenAlexClient({ baseUrl: fake.url, gate: createArxivGate({ minIntervalMs: 0 }) });
  const resolve = (cap?: number) =>
    resolveAuthor({
      key: toAuthorKey(NAME),
      name: NAME,
      papers,
      store: stores.enrichment,
      source: client(),
      clock: () => NOW,
      ...(cap !== undefined ? { cap } : {}),
    });

  it('one OpenAlex author of that name with a paper in common: its h-index and citations, cached', async () => {
    fake.setAuthorWorks('A5023888391', [OWN_DOI]);
    const { figures, asked } = await resolve();
    expect(asked).toBe(true);
    expect(figures).toMatchObject({ found: true, hIndex: 17, citations: 3984, externalId: 'A5023888391' });
    const search = fake.requests.find((r) => r.path === '/authors');
    expect(search?.query.search).toBe(NAME);
    const check = fake.requests.find((r) => r.query.filter?.startsWith('author.id:'));
    expect(check?.query.filter).toContain(`doi:${OWN_DOI}`);
    // Cached: asked again within the week, nothing goes out.
    const before = fake.requests.length;
    expect(await resolve()).toMatchObject({ asked: false, figures: { found: true } });
    expect(fake.requests.length).toBe(before);
  });

  it('never a namesake: no paper in common, or two of that name with papers in common, gives no figures', async () => {
    expect((await resolve()).figures).toMatchObject({ found: false, hIndex: null });
    await stores.enrichment.saveAuthorFigures(toAuthorKey(NAME), {
      source: 'openalex',
      found: false,
      hIndex: null,
      citations: null,
      externalId: null,
      fetchedAt: '2026-01-01T00:00:00Z',
    });
    fake.addAuthor({ ...fake.author, id: 'https://openalex.org/A1111111111', cited_by_count: 5 });
    fake.setAuthorWorks('A5023888391', [OWN_DOI]);
    fake.setAuthorWorks('A1111111111', [OWN_DOI]);
    expect((await resolve()).figures).toMatchObject({ found: false });
  });

  it('the daily cap: past it, no look-up is made', async () => {
    fake.setAuthorWorks('A5023888391', [OWN_DOI]);
    expect(await resolve(0)).toEqual({ figures: undefined, asked: false });
    expect(fake.requests).toEqual([]);
  });

  it('a card asked for shows the cached figures at once and queues a look-up for the next; author --json fills external', async () => {
    fake.setAuthorWorks('A5023888391', [OWN_DOI]);
    const authorFigures = createAuthorFigures({ store: stores.enrichment, source: client(), clock: () => NOW });
    const { search } = await openSearch({ store: stores.store, text: stores.text }, stores.searchPath);
    const chat = createChat({ store: stores.store, search, authorFigures });
    const first = await chat.handle(`/author ${NAME}`);
    expect(first.kind === 'author' && first.card.external).toEqual([]);
    await authorFigures.idle();
    const second = await chat.handle(`/author ${NAME}`);
    expect(second.kind === 'author' && second.card.external).toEqual([
      { source: 'OpenAlex', hIndex: 17, citations: 3984, fetchedAt: NOW.toISOString() },
    ]);
    expect(renderReply(second, PLAIN)).toMatch(/openalex's figures: h-index 17 · citations 3,984 \(8 Dec\)/);
    const json = await runPaperboy(['author', NAME, '--db', db, '--json']);
    expect(JSON.parse(json.stdout).external).toEqual([
      { source: 'OpenAlex', hIndex: 17, citations: 3984, fetchedAt: NOW.toISOString() },
    ]);
  });
});
