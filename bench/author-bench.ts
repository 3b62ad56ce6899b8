// npm run bench:authors [-- --db FILE] [--names N]: author cards at the scale of a database already ingested (say the
// large corpus: `paperboy ingest ../shared/data/corpus/large.jsonl.gz --db FILE`), in one process as the bot answers
// them, and the CLI card in a process of its own as a user runs it. Prints one table for the issue note:
// name lookup (exact, warm), "did you mean" for a misspelt name, the whole /author card, the CLI card, and the chart.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderYearChart } from '../src/adapters/chart/render-png.ts';
import { createSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { authorCardOf, lookupAuthor } from '../src/core/authors/author-lookup.ts';
import { toAuthorKey } from '../src/core/store/author-index.ts';
import { paperboy, percentile } from './cli-process.ts';

const ROOT = join(import.meta.dirname, '..');
const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const db = arg('--db') ?? join(ROOT, 'data', 'paperboy.db');
const count = Number(arg('--names') ?? 200);
if (!existsSync(db)) {
  console.log(`skipped: no database at ${db} (ingest a corpus into it first)`);
  process.exit(0);
}

const store = createSqliteStore(db, { readonly: true });
const { papers } = await store.counts();
// Names drawn evenly from the index: prolific authors and one-paper ones alike.
const names = (
  store.db.prepare('SELECT name FROM author_names ORDER BY random() LIMIT ?').all(count * 2) as { name: string }[]
)
  .map((r) => r.name)
  .filter((n) => toAuthorKey(n).length > 3)
  .slice(0, count);
const misspelt = names.map((n) => `${n.slice(0, -2)}${n.slice(-1)}${n.slice(-2, -1)}`);

async function timed<T>(xs: readonly T[], f: (x: T) => Promise<unknown> | unknown) {
  for (const x of xs.slice(0, 5)) await f(x); // warm
  const ms: number[] = [];
  for (const x of xs) {
    const started = performance.now();
    await f(x);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

const exact = await timed(names, (n) => store.authors.find(toAuthorKey(n)));
const closest = await timed(misspelt, (n) => lookupAuthor(store, n));
const card = await timed(names, async (n) => {
  const found = await lookupAuthor(store, n);
  if ('found' in found) await authorCardOf(store, found.found);
});
const prolific = (
  store.db
    .prepare('SELECT name_key AS key FROM paper_authors GROUP BY name_key ORDER BY count(*) DESC LIMIT 20')
    .all() as { key: string }[]
).map((r) => r.key);
const big = await timed(prolific, async (key) => {
  const found = await store.authors.find(key);
  if (found) return (await authorCardOf(store, found)).card.perYear;
  return [];
});
const series = await Promise.all(
  prolific.slice(0, 10).map(async (key) => {
    const found = await store.authors.find(key);
    return found ? (await authorCardOf(store, found)).card : undefined;
  }),
);
const cards = series.filter((c) => c !== undefined);
const chart = await timed(cards, (c) => renderYearChart([{ name: c.name, perYear: c.perYear }]).renderMs);
const cli: number[] = [];
for (const name of names.slice(0, 5))
  cli.push((await paperboy(join(ROOT, 'bin', 'paperboy.js'), ['author', name, '--db', db])).ms);
cli.sort((a, b) => a - b);
await store.close();

const row = (what: string, t: { p50: number; p99: number }) =>
  `| ${what} | ${t.p50.toFixed(1)} ms | ${t.p99.toFixed(1)} ms |`;
console.log(`\n${papers.toLocaleString('en-US')} papers, ${names.length} names; warm, one process\n`);
console.log('| what | p50 | p99 |\n|---|---|---|');
console.log(row('name lookup, exact (`author_names`)', exact));
console.log(row('"did you mean" for a misspelt name', closest));
console.log(row('`/author` card (lookup + papers + figures)', card));
console.log(row('`/author` card of the 20 most prolific names', big));
console.log(row('chart PNG (640×240, resvg)', chart));
console.log(
  `| \`paperboy author NAME\` (own process, 5 runs) | ${(percentile(cli, 50) / 1000).toFixed(2)} s | ${(cli[cli.length - 1] ?? 0) / 1000} s |`,
);
