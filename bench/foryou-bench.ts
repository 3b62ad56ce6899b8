// "For you" bench (docs/foryou.md): quality and speed of the taste model against arxiv-sanity-lite's method,
// side by side on the same papers in one run.
//
//   npm run bench:foryou -- [small|large] [--researchers N] [--speed] [--db FILE]
//
// Quality: researchers of the corpus (authors merged by name, as the corpus has them) with at least 5 papers
// before a day D and at least 2 arXiv papers in the 30 days from D. Their papers before D are the library (as if
// imported); the candidates are every arXiv paper dated in those 30 days; recall@50 = the share of their own
// papers of the window that reach the top 50. Speed (--speed): `paperboy recommend` as a process on a database of
// the corpus (ingested here unless --db names one), with one researcher's library imported by `saved import`.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { scoreOf } from '../src/core/foryou/linear-svm.ts';
import { learnTaste, TASTE_DEFAULTS, type TasteOptions } from '../src/core/foryou/taste-model.ts';
import {
  bucketOfPacked,
  FEATURE_BUCKETS,
  packFeatures,
  type SparseVector,
  sampleIds,
  toTfidf,
  windowDate,
} from '../src/core/foryou/text-features.ts';
import { baselineScores, fitBaseline } from './arxiv-sanity-baseline.ts';
import { run } from './cli-process.ts';

interface Rec {
  arxivId: string | null;
  title: string;
  abstract: string | null;
  authors: string[];
  date: string;
}

const args = process.argv.slice(2);
const corpusName = args.find((a) => a === 'small' || a === 'large') ?? 'large';
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const researchersWanted = Number(flag('--researchers') ?? 40);
const corpusPath = join(import.meta.dirname, '..', '..', 'shared', 'data', 'corpus', `${corpusName}.jsonl.gz`);
const WINDOW_DAYS = 30;
const TOP = 50;

async function load(): Promise<Rec[]> {
  const out: Rec[] = [];
  const lines = createInterface({ input: createReadStream(corpusPath).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Rec;
    out.push({ arxivId: r.arxivId, title: r.title, abstract: r.abstract, authors: r.authors ?? [], date: r.date });
  }
  return out;
}

const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d);

interface Case {
  name: string;
  library: number[];
  since: string;
  until: string;
  targets: number[];
}

function pickResearchers(papers: Rec[]): Case[] {
  const byAuthor = new Map<string, number[]>();
  papers.forEach((p, i) => {
    for (const a of new Set(p.authors)) {
      const list = byAuthor.get(a);
      if (list) list.push(i);
      else byAuthor.set(a, [i]);
    }
  });
  const cases: Case[] = [];
  for (const [name, ids] of byAuthor) {
    if (ids.length < 7) continue;
    const sorted = [...ids].sort((a, b) =>
      windowDate(papers[a]?.date ?? '') < windowDate(papers[b]?.date ?? '') ? -1 : 1,
    );
    for (let k = 5; k < sorted.length; k++) {
      const p = papers[sorted[k] as number] as Rec;
      if (!isDay(p.date)) continue;
      const since = p.date;
      const before = sorted.filter((i) => windowDate(papers[i]?.date ?? '') < since);
      if (before.length < 5) continue;
      const until = addDays(since, WINDOW_DAYS);
      const targets = sorted.filter((i) => {
        const d = papers[i]?.date ?? '';
        return isDay(d) && d >= since && d < until;
      });
      if (targets.length >= 2) cases.push({ name, library: before, since, until, targets });
      break;
    }
  }
  // A spread, repeatable choice: by a hash of the name.
  const hash = (s: string) => [...s].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261);
  return cases.sort((a, b) => hash(a.name) - hash(b.name)).slice(0, researchersWanted);
}

const recallAt = (ranked: number[], targets: readonly number[]) => {
  const top = new Set(ranked.slice(0, TOP));
  return targets.filter((t) => top.has(t)).length / targets.length;
};

const rankBy = (ids: number[], scores: number[]) =>
  ids
    .map((id, i) => ({ id, s: scores[i] as number }))
    .sort((a, b) => b.s - a.s)
    .map((x) => x.id);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The table so far: printed every 5 researchers, so a run cut short still says what it measured. */
function printTable(rows: Map<string, { recall: number[]; ms: number[] }>, done: number) {
  console.log(`\n| method | recall@${TOP} (mean of ${done}) | hits ≥ 1 | train + rank per user (median) |`);
  console.log('|---|---|---|---|');
  for (const [name, row] of rows)
    console.log(
      `| ${name} | ${mean(row.recall).toFixed(3)} | ${row.recall.filter((r) => r > 0).length}/${row.recall.length} | ${median(row.ms).toFixed(0)} ms |`,
    );
}

async function main() {
  const t0 = performance.now();
  const papers = await load();
  const texts = papers.map((p) => `${p.title}\n${p.abstract ?? ''}`);
  const cases = pickResearchers(papers);
  console.log(
    `${corpusName}: ${papers.length} papers, ${cases.length} researchers (load ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );

  // Ours: hashed features as the store keeps them, df over every paper.
  let t = performance.now();
  const packed = texts.map((text) => packFeatures(text));
  const df = new Int32Array(FEATURE_BUCKETS);
  for (const p of packed) for (const w of p) df[bucketOfPacked(w)] = (df[bucketOfPacked(w)] ?? 0) + 1;
  const frequencies = { docs: papers.length, df };
  const ours = packed.map((p) => toTfidf(p, frequencies));
  const oursBuild = performance.now() - t;
  console.log(`ours: features of every paper ${(oursBuild / 1000).toFixed(1)} s`);

  t = performance.now();
  const base = fitBaseline(texts);
  const baseBuild = performance.now() - t;
  console.log(`baseline: tf-idf fit + transform ${(baseBuild / 1000).toFixed(1)} s (${base.dimension} features)`);
  const withAuthors = args.includes('--authors')
    ? fitBaseline(papers.map((p, i) => `${texts[i]}\n${p.authors.join(' ')}`))
    : undefined;

  const variants: [string, TasteOptions][] = [
    ['ours (default)', TASTE_DEFAULTS],
    ['ours, 30 passes', { ...TASTE_DEFAULTS, epochs: 30 }],
    ['ours, 5 passes', { ...TASTE_DEFAULTS, epochs: 5 }],
    ['SVM on a sample, C 0.01, no centroid', { c: 0.01, negativeWeight: 3, centroid: 0 }],
    ...(args.includes('--all-variants')
      ? ([
          ['SVM on a sample, C 0.1, no centroid', { c: 0.1, negativeWeight: 3, centroid: 0 }],
          ['SVM on a sample, C 1, no centroid', { c: 1, negativeWeight: 3, centroid: 0 }],
          ['SVM C 0.1 + centroid 0.5', { c: 0.1, negativeWeight: 3, centroid: 0.5 }],
          ['SVM C 0.1 + centroid 2', { c: 0.1, negativeWeight: 3, centroid: 2 }],
          ['SVM C 0.01 + centroid 1', { c: 0.01, negativeWeight: 3, centroid: 1 }],
        ] as [string, TasteOptions][])
      : []),
    ['centroid only (Rocchio)', { c: 0, negativeWeight: 0, centroid: 0 }],
  ];
  const rows = new Map<string, { recall: number[]; ms: number[] }>();
  const note = (name: string, recall: number, ms: number) => {
    const row = rows.get(name) ?? { recall: [], ms: [] };
    row.recall.push(recall);
    row.ms.push(ms);
    rows.set(name, row);
  };
  const byDay = papers.map((p) => p.date);
  for (const [n, c] of cases.entries()) {
    const library = new Set(c.library);
    const pool = byDay.flatMap((d, i) => (isDay(d) && d >= c.since && d < c.until && !library.has(i) ? [i] : []));
    const sampleIdx = sampleIds(0, papers.length - 1, 4000, 0x5eed).filter((i) => !library.has(i));
    for (const [name, options] of variants) {
      const s = performance.now();
      if (options.c === 0) {
        const centroid = new Float32Array(FEATURE_BUCKETS);
        for (const i of c.library) {
          const x = ours[i] as SparseVector;
          for (let k = 0; k < x.ids.length; k++) {
            const id = x.ids[k] as number;
            centroid[id] = (centroid[id] as number) + (x.weights[k] as number);
          }
        }
        const scores = pool.map((i) => scoreOf({ w: centroid, bias: 0 }, ours[i] as SparseVector));
        note(name, recallAt(rankBy(pool, scores), c.targets), performance.now() - s);
        continue;
      }
      const model = learnTaste(
        {
          positives: c.library.map((i) => ours[i] as SparseVector),
          negatives: [],
          background: sampleIdx.map((i) => ours[i] as SparseVector),
        },
        options,
      );
      const scores = pool.map((i) => scoreOf(model, ours[i] as SparseVector));
      note(name, recallAt(rankBy(pool, scores), c.targets), performance.now() - s);
    }
    let s = performance.now();
    note(
      'arxiv-sanity-lite (title + abstract)',
      recallAt(rankBy(pool, baselineScores(base, library, pool)), c.targets),
      performance.now() - s,
    );
    if (withAuthors) {
      s = performance.now();
      note(
        'arxiv-sanity-lite (with authors, as it ships)',
        recallAt(rankBy(pool, baselineScores(withAuthors, library, pool)), c.targets),
        performance.now() - s,
      );
    }
    if ((n + 1) % 5 === 0 || n + 1 === cases.length) printTable(rows, n + 1);
  }
  console.log(
    `\nLibraries: median ${median(cases.map((c) => c.library.length))} papers; targets: median ${median(cases.map((c) => c.targets.length))}; window ${WINDOW_DAYS} days of arXiv papers.`,
  );

  if (args.includes('--speed')) await speed(papers, cases);
}

async function speed(papers: Rec[], cases: Case[]) {
  const bin = join(import.meta.dirname, '..', 'bin', 'paperboy.js');
  const dir = mkdtempSync(join(tmpdir(), 'foryou-bench-'));
  try {
    const db = flag('--db') ?? join(dir, 'paperboy.db');
    if (!flag('--db')) {
      const ingest = await run(process.execPath, [bin, 'ingest', corpusPath, '--db', db]);
      console.log(`\ningest + features: ${(ingest.ms / 1000).toFixed(1)} s (exit ${ingest.code})`);
    }
    const c = cases.find((x) => x.library.some((i) => papers[i]?.arxivId));
    if (!c) return;
    const bib = join(dir, 'library.bib');
    writeFileSync(
      bib,
      c.library
        .map((i, k) => {
          const p = papers[i] as Rec;
          return `@misc{e${k},\n  title = {${p.title.replace(/[{}]/g, '')}},${p.arxivId ? `\n  eprint = {${p.arxivId}},\n  archivePrefix = {arXiv},` : ''}\n}\n`;
        })
        .join('\n'),
    );
    const imported = await run(process.execPath, [
      bin,
      'saved',
      'import',
      bib,
      '--user',
      'bench',
      '--db',
      db,
      '--json',
    ]);
    console.log(
      `saved import of ${c.library.length} entries: ${imported.ms.toFixed(0)} ms, ${imported.out.replace(/\s+/g, ' ').slice(0, 120)}`,
    );
    const times: number[] = [];
    let rss = 0;
    for (let k = 0; k < 5; k++) {
      const r = await run(process.execPath, [
        '--import',
        join(import.meta.dirname, 'report-rss.mjs'),
        bin,
        'recommend',
        '--user',
        'bench',
        '--db',
        db,
        '--since',
        c.since,
        '--until',
        c.until,
        '--json',
      ]);
      if (r.code !== 0) console.log(r.err);
      times.push(r.ms);
      rss = Math.max(rss, r.rssMb);
      if (k === 0) {
        const j = JSON.parse(r.out) as { candidates: number; trained: boolean };
        console.log(`recommend: ${j.candidates} candidates, trained ${j.trained}`);
      }
    }
    const help = await run(process.execPath, [bin, '--help']);
    times.sort((a, b) => a - b);
    console.log(
      `recommend process (5 runs): median ${(times[2] as number).toFixed(0)} ms, best ${(times[0] as number).toFixed(0)} ms, peak RSS ${rss.toFixed(0)} MB; paperboy --help ${help.ms.toFixed(0)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
