// npm run bench:search [-- small|large]: Paperboy's search beside the baselines of the search issue, each
// engine in its own process, on the same papers and queries. Needs ../shared/data (skips without it).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPaperKey } from '../src/core/store/identity.ts';
import { type BenchQuery, makeQueries, readCorpus } from './bench-queries.ts';

const CORPUS_DIR = join(import.meta.dirname, '..', '..', 'shared', 'data', 'corpus');
const ENGINES = ['minisearch', 'minisearch-fuzzy', 'fts5', 'paperboy'] as const;
const LABELS: Record<(typeof ENGINES)[number], string> = {
  minisearch: 'MiniSearch 7.2, boosts title 3 / authors 2, exact',
  'minisearch-fuzzy': 'same, prefix + fuzzy 0.2',
  fts5: 'SQLite FTS5 porter, bm25 3/1/2, AND',
  paperboy: 'Paperboy (title index + FTS5, typo-tolerant)',
};

function runEngine(args: string[]): Promise<{ lines: string[]; firstMs?: number; wallMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--max-old-space-size=8192', '--import', 'tsx', join(import.meta.dirname, 'search-engine.ts'), ...args],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    let firstMs: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      if (firstMs === undefined && out.includes('FIRST\n')) firstMs = performance.now() - started;
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`engine ${args.join(' ')} exited ${code}`));
      else
        resolve({
          lines: out.trim().split('\n'),
          wallMs: performance.now() - started,
          ...(firstMs === undefined ? {} : { firstMs }),
        });
    });
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function benchCorpus(name: string, file: string): Promise<void> {
  const papers = await readCorpus(file);
  const queries = makeQueries(papers);
  const workdir = mkdtempSync(join(tmpdir(), `paperboy-bench-${name}-`));
  const queriesFile = join(workdir, 'queries.json');
  writeFileSync(queriesFile, JSON.stringify(queries));
  console.log(
    `\n## ${name}: ${papers.length.toLocaleString('en-US')} papers, ${queries.length} queries (${count(queries)})\n`,
  );
  console.log(
    '| engine | build | build peak RSS | cold start | query p50 | query p99 | query peak RSS | right first | MRR@10 | right first: known / misspelled / filtered |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  try {
    const builds = new Map<string, { buildMs: number; buildPeakMb: number }>();
    for (const engine of ENGINES.filter((e) => only.length === 0 || only.includes(e))) {
      const base = engine === 'minisearch-fuzzy' ? 'minisearch' : engine;
      if (!builds.has(base)) {
        const { lines } = await runEngine(['build', base, workdir, file]);
        builds.set(base, JSON.parse(lines.at(-1) as string));
      }
      const built = builds.get(base) as { buildMs: number; buildPeakMb: number };
      const run = await runEngine(['query', engine, workdir, file, queriesFile]);
      const result = JSON.parse(run.lines.at(-1) as string) as {
        answers: string[][];
        latencies: number[];
        queryPeakMb: number;
      };
      const sorted = [...result.latencies].sort((a, b) => a - b);
      const ranks = result.answers.map((titles, i) => {
        const target = toPaperKey((queries[i] as BenchQuery).target);
        return titles.findIndex((t) => toPaperKey(t) === target) + 1;
      });
      const firstBy = (kind: string) => ranks.filter((r, i) => r === 1 && queries[i]?.kind === kind).length;
      const mrr = ranks.reduce((s, r) => s + (r ? 1 / r : 0), 0) / ranks.length;
      console.log(
        `| ${LABELS[engine]} | ${(built.buildMs / 1000).toFixed(1)} s | ${built.buildPeakMb} MB | ${((run.firstMs ?? 0) / 1000).toFixed(2)} s | ${percentile(sorted, 50).toFixed(1)} ms | ${percentile(sorted, 99).toFixed(1)} ms | ${result.queryPeakMb} MB | ${ranks.filter((r) => r === 1).length}/${ranks.length} | ${mrr.toFixed(3)} | ${firstBy('known-item')} / ${firstBy('misspelled')} / ${firstBy('filtered')} |`,
      );
    }
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

const count = (qs: BenchQuery[]) =>
  ['known-item', 'misspelled', 'filtered'].map((k) => `${qs.filter((q) => q.kind === k).length} ${k}`).join(', ');

// `-- large paperboy` runs one engine only: for trying a change; the table for a note comes from a full run.
const args = process.argv.slice(2);
const only = args.filter((a) => (ENGINES as readonly string[]).includes(a));
const wanted = args.filter((a) => !only.includes(a));
const corpora = [
  ['small', join(CORPUS_DIR, 'small.jsonl.gz')],
  ['large', join(CORPUS_DIR, 'large.jsonl.gz')],
].filter(([name]) => wanted.length === 0 || wanted.includes(name as string));
if (!existsSync(CORPUS_DIR))
  console.log(`skipped: ${CORPUS_DIR} is absent (the search benchmark needs the shared corpus).`);
else for (const [name, file] of corpora) await benchCorpus(name as string, file as string);
