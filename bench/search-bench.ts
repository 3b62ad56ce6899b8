// npm run bench:search [-- small|large]: Paperboy's search beside the baselines of the search issue, each
// engine in its own process, on the same papers and queries. Needs ../shared/data (skips without it).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPaperKey } from '../src/core/store/identity.ts';
import {
  type BenchQuery,
  KIND_LABELS,
  KINDS,
  makeIssueQueries,
  makeQueries,
  type QueryKind,
  readCorpus,
} from './bench-queries.ts';

const CORPUS_DIR = join(import.meta.dirname, '..', '..', 'shared', 'data', 'corpus');
const ENGINES = ['minisearch', 'minisearch-fuzzy', 'fts5', 'paperboy'] as const;
const LABELS: Record<(typeof ENGINES)[number], string> = {
  minisearch: 'MiniSearch 7.2, boosts title 3 / authors 2, exact',
  'minisearch-fuzzy': 'same, prefix + fuzzy 0.2',
  fts5: 'SQLite FTS5 porter, bm25 3/1/2, AND, filters in SQL',
  paperboy: 'Paperboy (title vocabulary + FTS5, typo-tolerant)',
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
  const queries = [...makeQueries(papers), ...makeIssueQueries(papers)];
  const workdir = mkdtempSync(join(tmpdir(), `paperboy-bench-${name}-`));
  const queriesFile = join(workdir, 'queries.json');
  writeFileSync(queriesFile, JSON.stringify(queries));
  console.log(
    `\n## ${name}: ${papers.length.toLocaleString('en-US')} papers, ${queries.length} queries (${count(queries)})\n`,
  );
  const speed = [
    '| engine | build | build peak RSS | cold start | query p50 | query p99 | query peak RSS | right first | MRR@10 |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const quality = [
    `| engine | ${KINDS.map((k) => KIND_LABELS[k]).join(' | ')} |`,
    `|---|${KINDS.map(() => '---|').join('')}`,
  ];
  const notes: string[] = [];
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
        bounds?: { longMessageMs: number; longSearchMs: number; limitQueryMs: number; growthMb: number };
      };
      const sorted = [...result.latencies].sort((a, b) => a - b);
      const ranks = result.answers.map((titles, i) => {
        const target = toPaperKey((queries[i] as BenchQuery).target);
        return titles.findIndex((t) => toPaperKey(t) === target) + 1;
      });
      const mrr = (rs: number[]) => rs.reduce((s, r) => s + (r ? 1 / r : 0), 0) / Math.max(1, rs.length);
      const ofKind = (kind: QueryKind) => ranks.filter((_, i) => queries[i]?.kind === kind);
      speed.push(
        `| ${LABELS[engine]} | ${(built.buildMs / 1000).toFixed(1)} s | ${built.buildPeakMb} MB | ${((run.firstMs ?? 0) / 1000).toFixed(2)} s | ${percentile(sorted, 50).toFixed(1)} ms | ${percentile(sorted, 99).toFixed(1)} ms | ${result.queryPeakMb} MB | ${ranks.filter((r) => r === 1).length}/${ranks.length} | ${mrr(ranks).toFixed(3)} |`,
      );
      const cells = KINDS.map((kind) => {
        const rs = ofKind(kind);
        return `${mrr(rs).toFixed(3)} · ${rs.filter((r) => r === 1).length}/${rs.length}`;
      });
      quality.push(`| ${LABELS[engine]} | ${cells.join(' | ')} |`);
      if (result.bounds) {
        const b = result.bounds;
        notes.push(
          `${LABELS[engine]}, bounded input: a 40,000-character message answered (refused) in at most ${b.longMessageMs} ms through the chat, ${b.longSearchMs} ms through search; a query at the limits (1,000 characters or 32 words) answered in at most ${b.limitQueryMs} ms; peak RSS grew ${b.growthMb} MB meanwhile.`,
        );
      }
    }
    console.log(speed.join('\n'));
    console.log('\nMRR@10 · right first, per kind of query:\n');
    console.log(quality.join('\n'));
    if (notes.length) console.log(`\n${notes.join('\n')}`);
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

const count = (qs: BenchQuery[]) =>
  KINDS.map((k) => `${qs.filter((q) => q.kind === k).length} ${KIND_LABELS[k]}`).join(', ');

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
