import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPaperboy } from '../helpers/run-cli.ts';
import { hasSharedData, SHARED_DATA, SHARED_SKIP_REASON } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const tempDir = useTempDir();

const TOPICS = [
  'reinforcement learning reward models policy optimisation for agents',
  'protein folding structure prediction with diffusion models',
  'speech recognition for low resource languages with transducers',
  'graph neural networks for molecule property prediction',
];

interface Rec {
  arxivId: string | null;
  title: string;
  authors: string[];
  date: string;
  category: string;
  abstract: string;
}

const records = (): Rec[] => [
  ...Array.from({ length: 24 }, (_, i): Rec => {
    const topic = TOPICS[i % 4] as string;
    return {
      arxivId: `2611.${String(i + 1).padStart(5, '0')}`,
      title: `${topic.split(' ').slice(0, 3).join(' ')} study ${i}`,
      authors: [`Author ${i}`],
      date: `2026-11-${String(20 + (i % 6)).padStart(2, '0')}`,
      category: 'cs.LG',
      abstract: `We study ${topic}. Variant ${i} of the method improves ${topic.split(' ')[0]} results.`,
    };
  }),
  {
    arxivId: null,
    title: 'A conference paper on reward models for agents',
    authors: ['Someone'],
    date: '2026',
    category: 'ICML 2026',
    abstract: 'Reward models for agents.',
  },
];

async function ingested(extra: Rec[] = []) {
  const dir = tempDir();
  const db = join(dir, 'paperboy.db');
  const corpus = join(dir, 'corpus.jsonl');
  writeFileSync(corpus, `${[...records(), ...extra].map((r) => JSON.stringify(r)).join('\n')}\n`);
  const ingest = await runPaperboy(['ingest', corpus, '--db', db]);
  expect(ingest.code).toBe(0);
  return { dir, db };
}

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
type Result = { id: number; title: string; date: string; score: number | null; why: string[]; arxivId: string };

describe('paperboy recommend', () => {
  it('without taste: the newest papers of the 7 days before the day after the newest paper, no score, no why', async () => {
    const { db } = await ingested();
    const run = await runPaperboy(['recommend', '--db', db, '--json', '--limit', '5']);
    expect(run.code).toBe(0);
    const out = json(run.stdout);
    expect(Object.keys(out)).toEqual(['for', 'since', 'until', 'candidates', 'trained', 'results']);
    expect(out.for).toEqual({ user: 'terminal:terminal:terminal', channel: null });
    expect(out).toMatchObject({ since: '2026-11-19', until: '2026-11-26', candidates: 24, trained: false });
    const results = out.results as Result[];
    expect(results).toHaveLength(5);
    expect(results.map((r) => r.date)).toEqual(['2026-11-25', '2026-11-25', '2026-11-25', '2026-11-25', '2026-11-24']);
    for (const r of results) {
      expect(r.score).toBeNull();
      expect(r.why).toEqual([]);
      expect(Object.keys(r)).toEqual([
        'id',
        'title',
        'authors',
        'affiliations',
        'date',
        'category',
        'hasCode',
        'arxivId',
        'doi',
        'url',
        'score',
        'why',
      ]);
    }
    const text = await runPaperboy(['recommend', '--db', db]);
    expect(text.stdout).toContain('saved import');
    // A year alone is its first of January; until is exclusive.
    const year = json(
      (await runPaperboy(['recommend', '--db', db, '--json', '--since', '2026', '--until', '2026-01-02'])).stdout,
    );
    expect(year).toMatchObject({ since: '2026-01-01', until: '2026-01-02', candidates: 1 });
    expect((year.results as Result[])[0]?.title).toBe('A conference paper on reward models for agents');
  });

  it('refuses what is not its usage with exit 2', async () => {
    const { db } = await ingested();
    for (const args of [
      ['--user', 'a', '--channel', 'slack:T1:C1'],
      ['--limit', '0'],
      ['--limit', '101'],
      ['--since', '2026-13-01'],
      ['--since', 'yesterday'],
      ['--user', 'slack:T1'],
      ['--channel', 'C1'],
      ['--since', '2026-11-25', '--until', '2026-11-20'],
    ]) {
      const run = await runPaperboy(['recommend', '--db', db, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/error/);
    }
  });

  it('learns from an imported library: its topic first, with why terms, saved papers left out', async () => {
    const { dir, db } = await ingested();
    const bib = join(dir, 'library.bib');
    // Three ways a reference manager names an arXiv paper, and a title alone (in capitals and braces).
    writeFileSync(
      bib,
      `@misc{a, title = {Protein folding structure study 1}, eprint = {2611.00002}, archivePrefix = {arXiv}}
@article{b,\n\ttitle = {x}, doi = {10.48550/arXiv.2611.00006}}
@misc{c, title = {y}, url = {http://arxiv.org/abs/2611.00010v2}}
@misc{d, title = {{PROTEIN} Folding Structure -- Study 13}}
@misc{e, title = {A paper nobody has}}
`,
    );
    const imported = await runPaperboy(['saved', 'import', bib, '--user', 'alice', '--db', db, '--json']);
    expect(imported.code).toBe(0);
    const summary = json(imported.stdout);
    expect(Object.keys(summary)).toEqual(['user', 'entries', 'matched', 'added', 'unmatched', 'errors']);
    expect(summary).toMatchObject({ user: 'terminal:terminal:alice', entries: 5, matched: 4, added: 4, errors: [] });
    expect(summary.unmatched).toEqual([{ key: 'e', title: 'A paper nobody has' }]);
    // Importing again adds nothing new to the list.
    const again = json((await runPaperboy(['saved', 'import', bib, '--user', 'alice', '--db', db, '--json'])).stdout);
    expect(again).toMatchObject({ matched: 4, added: 0 });

    const run = await runPaperboy(['recommend', '--user', 'alice', '--db', db, '--json', '--limit', '2']);
    const out = json(run.stdout);
    expect(out).toMatchObject({
      for: { user: 'terminal:terminal:alice', channel: null },
      trained: true,
      candidates: 20,
    });
    const results = out.results as Result[];
    for (const r of results) {
      expect(r.title).toMatch(/^protein folding structure/);
      expect(typeof r.score).toBe('number');
      expect(r.why.length).toBeGreaterThanOrEqual(3);
      expect(r.why.length).toBeLessThanOrEqual(5);
    }
    // Another person, and the terminal's own reader, are untouched.
    expect(json((await runPaperboy(['recommend', '--user', 'bob', '--db', db, '--json'])).stdout).trained).toBe(false);
    expect(json((await runPaperboy(['recommend', '--db', db, '--json'])).stdout).trained).toBe(false);
    const text = await runPaperboy(['recommend', '--user', 'alice', '--db', db, '--limit', '1']);
    expect(text.stdout).toMatch(/why: /);
  });
});

describe('paperboy saved import', () => {
  const listCount = async (db: string, user: string) => {
    const run = await runPaperboy(['recommend', '--user', user, '--db', db, '--json', '--since', '2026-11-01']);
    return json(run.stdout).candidates as number;
  };

  it('lists bad entries with their line and imports the good ones (exit 0)', async () => {
    const { dir, db } = await ingested();
    const bib = join(dir, 'mixed.bib');
    writeFileSync(bib, '@misc{good, eprint = {2611.00001}}\n\n@misc{bad, title = {Unbalanced {x}\n');
    const run = await runPaperboy(['saved', 'import', bib, '--db', db, '--json']);
    expect(run.code).toBe(0);
    const out = json(run.stdout);
    expect(out).toMatchObject({ entries: 1, matched: 1, added: 1 });
    const errors = out.errors as { line: number; message: string }[];
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('fails a hostile file with a clear error, exit 1, and stores nothing', async () => {
    const { dir, db } = await ingested();
    const before = await listCount(db, 'mallory');
    const cases: [string, string | Buffer, RegExp][] = [
      ['binary.bib', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x10, 0x00]), /binary/],
      ['prose.bib', 'This is not a bibliography at all.\n', /no BibTeX entry/],
      ['braces.bib', '@misc{only, title = {never {closed}\n', /no BibTeX entry/],
      ['huge.bib', `@misc{big, eprint = {2611.00001}, note = {${'x'.repeat(10 * 1024 * 1024)}}}\n`, /at most 10 MB/],
      // Shapes that hung the parser for minutes (entries that never close) or overflowed its stack (deep braces).
      ['unclosed.bib', '@article{'.repeat(1_000_000), /nests braces more than 200 deep/],
      ['many.bib', '@misc{a}\n'.repeat(20_001), /more than 20,000 "@" entries/],
      [
        'nested.bib',
        `@article{k, title=${'{'.repeat(200_000)}x${'}'.repeat(200_000)}}\n`,
        /nests braces more than 200 deep/,
      ],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const run = await runPaperboy(['saved', 'import', file, '--user', 'mallory', '--db', db, '--json']);
      expect(run.code, name).toBe(1);
      expect(run.stderr, name).toMatch(message);
      expect(run.stdout, name).toBe('');
    }
    const missing = await runPaperboy(['saved', 'import', join(dir, 'none.bib'), '--db', db]);
    expect(missing.code).toBe(1);
    expect(await listCount(db, 'mallory')).toBe(before);
    const usage = await runPaperboy(['saved', 'import', join(dir, 'prose.bib'), '--user', 'a:b', '--db', db]);
    expect(usage.code).toBe(2);
  });

  it.skipIf(!hasSharedData)(
    'reads a real Zotero export: every entry matched when its papers are in the index',
    async () => {
      const file = join(SHARED_DATA, 'bibtex', 'zotero-export.bib');
      const text = readFileSync(file, 'utf8');
      // The papers the export names, made here from its own text (arXiv ids found by a plain pattern).
      const entries = text.split(/\n(?=@)/).filter((e) => e.startsWith('@'));
      const extra = entries.map((entry, i): Rec => {
        const id = /\d{4}\.\d{4,5}/.exec(entry)?.[0] ?? null;
        return {
          arxivId: id,
          title: `Zotero paper ${i}`,
          authors: ['A'],
          date: '2022-01-01',
          category: 'cs.CL',
          abstract: 'x',
        };
      });
      expect(extra.every((r) => r.arxivId)).toBe(true);
      const { db } = await ingested(extra);
      const run = await runPaperboy(['saved', 'import', file, '--db', db, '--json']);
      expect(run.code).toBe(0);
      const out = json(run.stdout);
      expect(out).toMatchObject({ entries: entries.length, matched: entries.length, unmatched: [], errors: [] });
    },
  );
  if (!hasSharedData) it.skip(`the Zotero export: ${SHARED_SKIP_REASON}`, () => {});
});
