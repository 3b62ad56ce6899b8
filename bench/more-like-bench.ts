/**
 * "More like this" over text vectors: the time of one answer (candidates by a rare shared word, cosine over their
 * stored vectors) beside a full scan (every stored vector read and scored). Usage:
 * `tsx bench/more-like-bench.ts DB [--papers N]` on a database made by `paperboy ingest`.
 */
import { createSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTaste } from '../src/adapters/sqlite/sqlite-taste.ts';
import { createSqliteTextIndex } from '../src/adapters/sqlite/sqlite-text-index.ts';
import { refreshPaperFeatures } from '../src/core/foryou/paper-features.ts';
import { cosine, featuresFromBytes, toTfidf } from '../src/core/foryou/text-features.ts';
import { PaperIndex } from '../src/core/search/paper-index.ts';
import { createSearch } from '../src/core/search/search.ts';

const [db, ...rest] = process.argv.slice(2);
if (!db) throw new Error('usage: tsx bench/more-like-bench.ts DB [--papers N]');
const count = Number(rest[rest.indexOf('--papers') + 1] ?? 20) || 20;
const store = createSqliteStore(db);
const taste = createSqliteTaste(store.db);
const text = createSqliteTextIndex(store.db);
await refreshPaperFeatures(store, taste);
const search = createSearch({ index: await PaperIndex.open({ store }), store, text, vectors: taste });
const ids = (store.db.prepare('SELECT id FROM papers ORDER BY id').all() as { id: number }[]).map((r) => r.id);
const picks = Array.from({ length: count }, (_, i) => ids[Math.floor(((i + 0.5) * ids.length) / count)] as number);
await search.moreLikeThis(picks[0] as number); // warm: frequencies read once
const times: number[] = [];
const totals: number[] = [];
for (const id of picks) {
  const t = performance.now();
  const page = await search.moreLikeThis(id);
  times.push(performance.now() - t);
  totals.push(page?.total ?? 0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`papers ${ids.length}; answers ${count}`);
console.log(
  `more like this (candidates by rare words): median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms, candidates median ${median(totals)}`,
);
// The full scan: every stored vector read and scored against one paper's.
const t = performance.now();
const df = await taste.frequencies();
const all = await taste.features(ids);
const source = toTfidf(featuresFromBytes(all.get(picks[0] as number) as Uint8Array), df);
let best = 0;
for (const bytes of all.values()) best = Math.max(best, cosine(source, toTfidf(featuresFromBytes(bytes), df)));
const scan = performance.now() - t;
console.log(
  `full scan of ${all.size} vectors: ${scan.toFixed(1)} ms (${((scan / all.size) * 1000).toFixed(2)} µs a paper; at 191,015 papers about ${((scan / all.size) * 191015).toFixed(0)} ms)`,
);
await store.close();
