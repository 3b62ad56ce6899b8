// `npx tsx bench/enrich-bench.ts [PAPERS]`: what `cites:` and `sort:citations` cost at query time. Citation
// counts live apart from the papers (docs/enrichment.md), so a query asking for them reads every count once:
// measured here on a SQLite store of PAPERS synthetic papers (default 20,000), half with a record count and a third
// with an OpenAlex count, against the same queries without citations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteEnrichment } from '../src/adapters/sqlite/sqlite-enrichment.ts';
import { createSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../src/adapters/sqlite/sqlite-text-index.ts';
import type { PaperFigures } from '../src/core/enrich/scholarly.ts';
import { PaperIndex } from '../src/core/search/paper-index.ts';
import { createSearch } from '../src/core/search/search.ts';
import type { PaperInput } from '../src/core/store/paper-store.ts';

const N = Number(process.argv[2] ?? 20_000);
const WORDS = 'language model reward graph neural attention robot speech vision retrieval alignment'.split(' ');
const dir = mkdtempSync(join(tmpdir(), 'enrich-bench-'));
const store = createSqliteStore(join(dir, 'p.db'));
const papers: PaperInput[] = Array.from({ length: N }, (_, n) => ({
  title: `${WORDS[n % WORDS.length]} ${WORDS[(n * 7) % WORDS.length]} study ${n}`,
  authors: [`Author ${n % 997}`],
  authorsTruncated: false,
  affiliations: [],
  abstract: `${WORDS[(n * 3) % WORDS.length]} and ${WORDS[(n * 5) % WORDS.length]} in paper ${n}`,
  date: `20${10 + (n % 15)}-0${(n % 9) + 1}-1${n % 10}`,
  category: 'CL',
  categoryFull: 'cs.CL',
  hasCode: false,
  codeUrl: null,
  arxivId: `24${String(n).padStart(7, '0').slice(0, 2)}.${String(n).padStart(5, '0')}`,
  venue: null,
  citations: n % 2 === 0 ? (n * 13) % 1000 : null,
}));
const now = new Date();
await store.begin();
for (let i = 0; i < papers.length; i += 5000) await store.savePapers(papers.slice(i, i + 5000), now);
await store.commit();
const enrichment = createSqliteEnrichment(store.db);
const ids = (await store.papersChangedSince(0, N + 1)).map((p) => p.id);
const figures = (c: number): PaperFigures => ({
  source: 'openalex',
  citations: c,
  byYear: [],
  doi: null,
  venue: null,
  tldr: null,
});
const t0 = performance.now();
for (let i = 0; i < ids.length; i += 500) {
  const batch = ids.slice(i, i + 500).filter((_, k) => (i + k) % 3 === 0);
  await enrichment.saveFigures('openalex', new Map(batch.map((id) => [id, figures((id * 31) % 5000)])), [], now);
}
const saveMs = performance.now() - t0;
const search = createSearch({
  index: await PaperIndex.open({ store }),
  store,
  text: createSqliteTextIndex(store.db),
  citations: enrichment,
});
const time = async (label: string, f: () => Promise<unknown>, runs = 9) => {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const at = performance.now();
    await f();
    ms.push(performance.now() - at);
  }
  ms.sort((a, b) => a - b);
  return `| ${label} | ${(ms[Math.floor(runs / 2)] as number).toFixed(1)} ms | ${(ms[runs - 1] as number).toFixed(1)} ms |`;
};
const rows = [
  await time('citationCounts(), first read (a pass over every paper)', () =>
    createSqliteEnrichment(store.db).citationCounts(),
  ),
  await time('citationCounts(), nothing changed since (cached)', () => enrichment.citationCounts()),
  await time('`language model`', () => search.search('language model')),
  await time('`language model sort:citations`', () => search.search('language model sort:citations')),
  await time('`language model cites:100`', () => search.search('language model cites:100')),
  await time('`cites:4000` (filter alone)', () => search.search('cites:4000')),
];
console.log(
  `${N.toLocaleString('en-US')} papers, ${Math.ceil(N / 3).toLocaleString('en-US')} with an OpenAlex count; figures saved in ${(saveMs / 1000).toFixed(2)} s (batches of 500)\n`,
);
console.log('| query | median | max of 9 |\n|---|---|---|');
console.log(rows.join('\n'));
await store.close();
rmSync(dir, { recursive: true, force: true });
