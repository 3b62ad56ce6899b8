// npm run bench:scale [-- 1m 191k small] [--before DIR] [--no-build]: Paperboy at one million papers and at the large corpus
// (191k), the whole CLI in separate processes, as a user runs it. Prints one table for the issue note.
// `--pg [small]`: search on an instance backed by PostgreSQL beside SQLite, at 191k (bench/pg-search-bench.ts).
// `--before DIR` runs the same 191k rows with the `bin/paperboy.js` of another checkout (say, the commit before
// a change), in the same run. Needs ../shared/data (skips without it). Speed and memory only.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_WORDS, toWords } from '../src/core/search/tokenize.ts';
import { type BenchQuery, type CorpusPaper, makeIssueQueries, makeQueries } from './bench-queries.ts';
import { paperboy, percentile, run, startSearch } from './cli-process.ts';
import { pgMissing } from './pg-cluster.ts';
import { benchPgSearch } from './pg-search-bench.ts';
import { CACHE_DIR, makeScaleCorpus, sampleCorpus } from './scale-corpus.ts';

const ROOT = join(import.meta.dirname, '..');
const LARGE = join(ROOT, '..', 'shared', 'data', 'corpus', 'large.jsonl.gz');
const SAMPLE = 50_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const sizeMb = (file: string) => (existsSync(file) ? statSync(file).size / 1e6 : 0);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (n: number) => `${Math.round(n).toLocaleString('en-US')} MB`;

interface Row {
  label: string;
  papers: number;
  importMs: number;
  importRss: number;
  dbMb: number;
  snapshotMb: number;
  coldMs: number;
  coldRss: number;
  coldRight: boolean;
  p50: number;
  p99: number;
  queryRss: number;
  addMs: number;
  addIngestMs: number;
  queries: number;
  /** Latencies by query kind (the benchmark's kinds, inflected words, and the worst kinds: common words). */
  byKind: Map<string, number[]>;
}

/**
 * Queries beyond the benchmark's kinds: the known-item words in another form (`models` for `model`, `agent` for
 * `agents`), and the worst kinds for one query's cost: the most common title words of the sample, 1, 16 and 32 of
 * them, and 32 misspelled (the robustness issue's R6).
 */
function extraQueries(sample: CorpusPaper[], known: BenchQuery[]): { kind: string; text: string }[] {
  const out: { kind: string; text: string }[] = [];
  const other = (w: string) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : `${w}s`);
  for (const q of known.filter((k) => k.kind === 'known-item').slice(0, 60))
    out.push({ kind: 'inflected', text: q.words.split(' ').map(other).join(' ') });
  const counts = new Map<string, number>();
  for (const p of sample)
    for (const w of new Set(toWords(p.title))) if (!FUNCTION_WORDS.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const common = [...counts].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const misspell = (w: string) => (w.length > 4 ? `${w.slice(0, 2)}${w[3]}${w[2]}${w.slice(4)}` : w);
  for (let r = 0; r < 5; r++) {
    const rotated = [...common.slice(r, 40), ...common.slice(0, r)];
    out.push({ kind: 'worst: 1 common word', text: common[r] as string });
    out.push({ kind: 'worst: 16 common words', text: rotated.slice(0, 16).join(' ') });
    out.push({ kind: 'worst: 32 common words', text: rotated.slice(0, 32).join(' ') });
    out.push({ kind: 'worst: 32 common misspelled', text: rotated.slice(0, 32).map(misspell).join(' ') });
  }
  return out;
}

async function measure(label: string, bin: string, corpus: string, added: string, work: string): Promise<Row> {
  const db = join(work, `${label}.db`);
  for (const suffix of ['', '-wal', '-shm', '.search-index.json']) rmSync(db + suffix, { force: true });
  console.error(`[${label}] importing ${corpus} …`);
  const imported = await paperboy(bin, ['ingest', corpus, '--db', db, '--json']);
  if (imported.code !== 0) throw new Error(`ingest exited ${imported.code}: ${imported.err.slice(-2000)}`);
  const papers = (JSON.parse(imported.out) as { totals: { papers: number } }).totals.papers;
  const dbMb = sizeMb(db) + sizeMb(`${db}-wal`);
  const snapshotMb = sizeMb(`${db}.search-index.json`);

  console.error(`[${label}] making queries from a sample …`);
  const sample = await sampleCorpus(corpus, Math.max(1, Math.round(papers / SAMPLE)));
  const queries: BenchQuery[] = [...makeQueries(sample), ...makeIssueQueries(sample)];

  // Cold start: a one-shot `paperboy search` right after the ingest, process start to its answer (and exit).
  const first = queries[0] as BenchQuery;
  const cold = await paperboy(bin, ['search', first.text, '--db', db, '--json', '--limit', '10']);
  const coldRight =
    cold.code === 0 &&
    (JSON.parse(cold.out) as { results: { title: string }[] }).results.some((r) => r.title === first.target);

  console.error(`[${label}] ${queries.length} queries …`);
  const search = startSearch(bin, ['--db', db]);
  await search.ask(first.text);
  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  const asked = [...queries.slice(1), ...extraQueries(sample, queries)];
  for (const q of asked) {
    const { ms } = await search.ask(q.text);
    latencies.push(ms);
    byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), ms]);
  }
  const sorted = [...latencies].sort((a, b) => a - b);

  // 1,000 papers ingested by another process while the search runs: from the ingest's start until the running
  // search answers with one of them.
  console.error(`[${label}] adding 1,000 papers to the running index …`);
  const probe = (await sampleCorpus(added, 1000))[0]?.title as string;
  const phrase = `"${probe.replaceAll('"', ' ')}"`;
  const addStart = performance.now();
  const adding = await paperboy(bin, ['ingest', added, '--db', db, '--json']);
  if (adding.code !== 0) throw new Error(`ingest of 1,000 exited ${adding.code}: ${adding.err.slice(-2000)}`);
  let addMs = Number.POSITIVE_INFINITY;
  for (let tries = 0; tries < 100; tries++) {
    const { answer } = await search.ask(phrase);
    if (answer.results?.some((r) => r.title === probe)) {
      addMs = performance.now() - addStart;
      break;
    }
  }
  const queryRss = await search.stop();
  return {
    label,
    papers,
    importMs: imported.ms,
    importRss: imported.rssMb,
    dbMb,
    snapshotMb,
    coldMs: cold.ms,
    coldRss: cold.rssMb,
    coldRight,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    queryRss,
    addMs,
    addIngestMs: adding.ms,
    queries: asked.length + 1,
    byKind,
  };
}

/** `paperboy --help` and a bare Node process that opens the database with better-sqlite3: medians of 5. */
async function startup(bin: string, db: string) {
  const bare = `const D = require('better-sqlite3'); new D(${JSON.stringify(db)}, { readonly: true }).prepare('select 1').get();`;
  const help: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < 5; i++) {
    help.push((await run(process.execPath, [bin, '--help'])).ms);
    node.push((await run(process.execPath, ['-e', bare])).ms);
  }
  return { help: median(help), bare: median(node) };
}

const args = process.argv.slice(2);
const beforeAt = args.indexOf('--before');
const before = beforeAt >= 0 ? args[beforeAt + 1] : undefined;
// `small` (4,013 papers) only checks that the benchmark runs.
const sizes = args.filter((a, i) => ['1m', '191k', 'small'].includes(a) && (beforeAt < 0 || i !== beforeAt + 1));
const wanted = sizes.length ? sizes : ['1m', '191k'];

if (!existsSync(LARGE)) {
  console.log(`skipped: ${LARGE} is absent (the scale benchmark needs the shared corpus).`);
} else if (args.includes('--pg') && pgMissing()) {
  console.log(`skipped: ${pgMissing()} (the PostgreSQL search benchmark needs one).`);
} else if (args.includes('--pg')) {
  // Search on an instance backed by PostgreSQL, beside SQLite (bench/pg-search-bench.ts): 191k, or `small`.
  const bin = join(ROOT, 'bin', 'paperboy.js');
  const work = join(CACHE_DIR, `work-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    if (!args.includes('--no-build')) await run('npm', ['run', 'build', '--silent']);
    await benchPgSearch(bin, wanted.includes('small') ? LARGE.replace('large', 'small') : LARGE, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
} else {
  const bin = join(ROOT, 'bin', 'paperboy.js');
  const work = join(CACHE_DIR, `work-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    // A stale or missing dist/ would make bin/paperboy.js fall back to tsx: measure the build, as installed.
    if (!args.includes('--no-build')) {
      const build = await run('npm', ['run', 'build', '--silent']);
      if (build.code !== 0)
        console.error(`npm run build failed (measuring whatever bin/paperboy.js runs): ${build.err}`);
    }
    console.error('making (or reusing) the generated papers …');
    const added = await makeScaleCorpus(LARGE, 1000, { seed: 7, name: 'added-1000' });
    const corpora: [string, string, string][] = [];
    if (wanted.includes('small')) corpora.push(['small', LARGE.replace('large', 'small'), bin]);
    // 191k first: the comparison with the checkout before comes in a few minutes, the 1M rows take longer.
    if (wanted.includes('191k')) {
      if (before) corpora.push(['191k before', LARGE, join(before, 'bin', 'paperboy.js')]);
      corpora.push(['191k', LARGE, bin]);
    }
    if (wanted.includes('1m')) corpora.push(['1M', await makeScaleCorpus(LARGE, 1_000_000), bin]);
    const rows: Row[] = [];
    const starts: string[] = [];
    for (const [label, corpus, paperboyBin] of corpora) {
      const row = await measure(label.replace(' ', '-'), paperboyBin, corpus, added, work);
      row.label = label;
      rows.push(row);
      console.error(JSON.stringify(row));
      const st = await startup(paperboyBin, join(work, `${label.replace(' ', '-')}.db`));
      starts.push(
        `| ${label} | ${s(st.help)} | ${s(st.bare)} | ${(st.help / st.bare).toFixed(1)}x | ${s(row.coldMs)} | ${(row.coldMs / st.bare).toFixed(1)}x |`,
      );
      for (const suffix of ['', '-wal', '-shm', '.search-index.json'])
        rmSync(join(work, `${label.replace(' ', '-')}.db${suffix}`), { force: true });
    }
    const cell = (row: Row) =>
      `| ${row.label} | ${row.papers.toLocaleString('en-US')} | ${s(row.importMs)} / ${mb(row.importRss)} | ${mb(row.dbMb)} + ${mb(row.snapshotMb)} | ${s(row.coldMs)} / ${mb(row.coldRss)} / ${row.coldRight ? 'right' : 'WRONG'} | ${row.p50.toFixed(1)} / ${row.p99.toFixed(1)} ms | ${mb(row.queryRss)} | ${s(row.addMs)} (ingest ${s(row.addIngestMs)}) |`;
    console.log('\n## paperboy at scale (npm run bench:scale)\n');
    console.log(
      '| corpus | papers | import from JSON Lines: time / peak RSS | database + snapshot | cold `search`: time / peak RSS / first answer | query p50 / p99 | query peak RSS | 1,000 added: searchable after |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(
      '| target at 1M | 1,000,000 | < 5 min / < 2 GB | < 3 GB | < 3 s / — / right | < 15 / < 100 ms | < 2.5 GB | < 2 s |',
    );
    console.log('| target at 191k | | | | < 1.5 s | p99 ≤ 20 ms | | |');
    for (const row of rows) console.log(cell(row));
    console.log(
      `\nQueries: ${rows[0]?.queries ?? 0} per corpus (known-item, misspelled, filtered, author + word, abstract words, question, inflected, and the worst kinds of common words; made from a sample of ${SAMPLE.toLocaleString('en-US')} records), one at a time through a running \`paperboy search -\`.\n`,
    );
    console.log('| corpus | query kind | queries | p50 | p99 | max |');
    console.log('|---|---|---|---|---|---|');
    for (const row of rows)
      for (const [kind, times] of row.byKind) {
        const sorted = [...times].sort((a, b) => a - b);
        console.log(
          `| ${row.label} | ${kind} | ${times.length} | ${percentile(sorted, 50).toFixed(1)} ms | ${percentile(sorted, 99).toFixed(1)} ms | ${(sorted.at(-1) ?? 0).toFixed(1)} ms |`,
        );
      }
    console.log('');
    console.log(
      '| corpus | `paperboy --help` | bare node + better-sqlite3 | ratio (target ≤ 3x) | `search` right after `ingest` | ratio (target ≤ 10x) |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const line of starts) console.log(line);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
