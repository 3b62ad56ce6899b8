import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderDiscord } from '../../src/adapters/discord/render.ts';
import { renderSlack } from '../../src/adapters/slack/render.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { PLAIN, renderReply } from '../../src/adapters/terminal/render.ts';
import { openStores } from '../../src/cli/open-stores.ts';
import { paperLookupsFor } from '../../src/cli/scholarly-clients.ts';
import { loadConfig } from '../../src/config.ts';
import { createChat } from '../../src/core/commands/chat.ts';
import { openSearch } from '../../src/core/search/open-search.ts';
import { type FakeOpenAlex, startFakeOpenAlex } from '../fakes/fake-openalex.ts';
import { type FakeSemanticScholar, startFakeSemanticScholar } from '../fakes/fake-semantic-scholar.ts';
import { hasScholarlyData } from '../fakes/scholarly-data.ts';
import { ENRICH_PAPERS } from '../helpers/enrich-papers.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const tempDir = useTempDir();
const NOW = new Date('2026-12-08T03:00:00Z');

async function seed(db: string) {
  const store = createSqliteStore(db);
  try {
    await store.savePapers(ENRICH_PAPERS, NOW);
  } finally {
    await store.close();
  }
}

describe.skipIf(!hasScholarlyData)('paperboy enrich', () => {
  let openalex: FakeOpenAlex;
  let s2: FakeSemanticScholar;
  beforeEach(async () => {
    [openalex, s2] = await Promise.all([startFakeOpenAlex(), startFakeSemanticScholar()]);
  });
  afterEach(async () => {
    await Promise.all([openalex.stop(), s2.stop()]);
  });
  const urls = () => ({ OPENALEX_URL: openalex.url, SEMANTIC_SCHOLAR_URL: s2.url });

  it('off by default: with nothing set no request leaves the machine, and enrich is a usage error naming both switches', async () => {
    const db = join(tempDir(), 'p.db');
    await seed(db);
    // The services' URLs point at the fakes, the switches are unset: nothing may reach them.
    const env = urls();
    expect(paperLookupsFor(loadConfig(env, join(tempDir(), 'none.env')), () => {})).toEqual([]);
    const run = await runPaperboy(['enrich', '--db', db, '--json'], { env, now: NOW });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PAPERBOY_OPENALEX=on');
    expect(run.stderr).toContain('PAPERBOY_SEMANTIC_SCHOLAR=on');
    expect(run.stdout).toBe('');
    const search = await runPaperboy(['search', 'turing', '--db', db], { env, now: NOW });
    expect(search.code).toBe(0);
    const doctor = await runPaperboy(['doctor', '--db', db], { env, now: NOW });
    expect(doctor.stdout).toMatch(/ok +openalex +OpenAlex is off/);
    expect(openalex.requests).toEqual([]);
    expect(s2.requests).toEqual([]);
  });

  it('the switches take on or off only (a bad setting is exit 1, as for every other variable)', async () => {
    const run = await runPaperboy(['enrich', '--db', join(tempDir(), 'p.db')], {
      env: { PAPERBOY_OPENALEX: 'yes' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/must be on or off\n.*at PAPERBOY_OPENALEX/);
  });

  it('fills citations and TL;DRs from both fakes, prints the counts, and leaves the papers revision alone', async () => {
    const db = join(tempDir(), 'p.db');
    await seed(db);
    const env = { ...urls(), PAPERBOY_OPENALEX: 'on', PAPERBOY_SEMANTIC_SCHOLAR: 'ON' };
    const stores = await openStores({ kind: 'sqlite', file: db });
    const revBefore = await stores.store.maxRev();
    await stores.close();

    const run = await runPaperboy(['enrich', '--db', db, '--json'], { env, now: NOW });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // 5 papers have an arXiv id or DOI; 4 are known to a service; the fifth to none.
    expect(JSON.parse(run.stdout)).toEqual({ papers: 5, updated: 4, notFound: 1, failed: 0, authors: 0 });
    expect(Object.keys(JSON.parse(run.stdout))).toEqual(['papers', 'updated', 'notFound', 'failed', 'authors']);

    const after = await openStores({ kind: 'sqlite', file: db });
    try {
      expect(await after.store.maxRev()).toBe(revBefore);
      expect(await after.papersAfter(revBefore)).toBe(0);
      const ids = await after.store.findByArxivIds(['2503.23674', '2007.14454']);
      const turing = await after.store.findByDoi('10.1093/mind/lix.236.433');
      const figures = await after.enrichment.figuresOf([...ids.values(), turing as number]);
      expect(figures.get(ids.get('2503.23674') as number)?.map((f) => [f.source, f.citations])).toEqual([
        ['semantic_scholar', 72],
      ]);
      const turingFigures = figures.get(turing as number)?.find((f) => f.source === 'semantic_scholar');
      expect(turingFigures?.tldr).toMatch(/^If the meaning/);
      expect(turingFigures?.fetchedAt).toBe(NOW.toISOString());
      // arXiv's own DOI is never stored as the published one.
      for (const list of figures.values()) for (const f of list) expect(f.doi ?? '').not.toMatch(/10\.48550/i);
      const counts = await after.enrichment.citationCounts();
      // The service's count wins over the record's own (5); a paper with only its own keeps it (40).
      expect(counts.get(ids.get('2503.23674') as number)).toBe(72);
      expect([...counts.values()]).toContain(40);
    } finally {
      await after.close();
    }

    // The requests as documented: OpenAlex by DOI list, Semantic Scholar by batch.
    expect(openalex.requests.every((r) => r.method === 'GET' && r.path === '/works')).toBe(true);
    expect(openalex.requests[0]?.query.filter).toMatch(/^doi:/);
    expect(s2.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /graph/v1/paper/batch']);

    // Nothing is due again the same day: no paper asked twice.
    const asked = openalex.requests.length + s2.requests.length;
    const again = await runPaperboy(['enrich', '--db', db, '--json'], { env, now: NOW });
    expect(JSON.parse(again.stdout)).toEqual({ papers: 0, updated: 0, notFound: 0, failed: 0, authors: 0 });
    expect(openalex.requests.length + s2.requests.length).toBe(asked);
    // A week later the old papers are due again; the fakes say the same, so nothing is updated.
    const later = await runPaperboy(['enrich', '--db', db, '--json', '--since', '2020-01-01'], {
      env,
      now: new Date(NOW.getTime() + 7 * 86_400_000),
    });
    expect(JSON.parse(later.stdout)).toMatchObject({ papers: 3, updated: 0 });
  });

  it('cards show what enrich stored: the TL;DR first, "cited N · source, day"; sort:citations orders by the service count', async () => {
    const db = join(tempDir(), 'p.db');
    await seed(db);
    const env = { ...urls(), PAPERBOY_OPENALEX: 'on', PAPERBOY_SEMANTIC_SCHOLAR: 'on' };
    expect((await runPaperboy(['enrich', '--db', db], { env, now: NOW })).code).toBe(0);
    const stores = await openStores({ kind: 'sqlite', file: db });
    try {
      const { search } = await openSearch(
        { store: stores.store, text: stores.text, citations: stores.enrichment },
        stores.searchPath,
      );
      const chat = createChat({ store: stores.store, search, figures: stores.enrichment, pageSize: 10 });
      const reply = await chat.handle('/paper since:1900 sort:citations');
      if (reply.kind !== 'papers') throw new Error(`expected papers, got ${reply.kind}`);
      // Semantic Scholar 10,059 · OpenAlex 1,553 · Semantic Scholar 72 (over the record's 5) · the record's 40 ·
      // OpenAlex 0 · no count last.
      expect(reply.cards.map((c) => c.citations?.count ?? null)).toEqual([10059, 1553, 72, 40, 0, null]);
      const text = renderReply(reply, PLAIN);
      expect(text).toContain('cited 10,059 · Semantic Scholar, 8 Dec');
      expect(text).toContain('cited 1,553 · OpenAlex, 8 Dec');
      expect(text).toMatch(/1\. Computing Machinery and Intelligence\n {3}TL;DR: If the meaning of the words/);
      expect(JSON.stringify(renderSlack(reply))).toContain('*TL;DR* If the meaning');
      expect(JSON.stringify(renderDiscord(reply))).toContain('cited 10,059 · Semantic Scholar, 8 Dec');
      const cited = await chat.handle('/paper cites:1000');
      // A query of filters alone lists newest first.
      expect(cited.kind === 'papers' && cited.cards.map((c) => c.title)).toEqual([
        'Working paper on development',
        'Computing Machinery and Intelligence',
      ]);
    } finally {
      await stores.close();
    }
  });

  it('a digest shows the stored figures on its cards', async () => {
    const db = join(tempDir(), 'p.db');
    const chat = await runPaperboy(['start', '--db', db], {
      stdin: '/digest subscribe turing at 09:00 tz UTC\n',
      now: new Date('2026-12-07T12:00:00Z'),
    });
    expect(chat.stdout).toMatch(/Subscribed: #1/);
    await seed(db);
    const env = { ...urls(), PAPERBOY_SEMANTIC_SCHOLAR: 'on' };
    expect((await runPaperboy(['enrich', '--db', db], { env, now: NOW })).code).toBe(0);
    const due = await runPaperboy(['digest', 'run', '--now', '2026-12-08T09:00:00Z', '--db', db]);
    expect(due.code).toBe(0);
    expect(due.stdout).toContain('Large Language Models Pass the Turing Test');
    expect(due.stdout).toContain('cited 72 · Semantic Scholar, 8 Dec');
  });

  it('exit 1 when a service keeps failing: what the other fetched is kept', async () => {
    const db = join(tempDir(), 'p.db');
    await seed(db);
    const env = {
      ...urls(),
      PAPERBOY_OPENALEX: 'on',
      PAPERBOY_SEMANTIC_SCHOLAR: 'on',
      SEMANTIC_SCHOLAR_API_KEY: 'a-refused-key',
    };
    const run = await runPaperboy(['enrich', '--db', db, '--json', '--limit', '4'], { env, now: NOW });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('SEMANTIC_SCHOLAR_API_KEY');
    expect(run.stderr).not.toContain('a-refused-key');
    const counts = JSON.parse(run.stdout) as Record<string, number>;
    expect(counts.papers).toBe(4);
    expect(counts.failed).toBeGreaterThan(0);
    expect(counts.updated).toBeGreaterThan(0);
  });

  it('usage: a malformed --since or --limit is exit 2', async () => {
    const env = { PAPERBOY_OPENALEX: 'on' };
    expect((await runPaperboy(['enrich', '--since', 'yesterday'], { env })).code).toBe(2);
    expect((await runPaperboy(['enrich', '--limit', '0'], { env })).code).toBe(2);
  });
});
