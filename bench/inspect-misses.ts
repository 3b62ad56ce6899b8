// npx tsx bench/inspect-misses.ts DB [KIND]: the benchmark's queries of one kind (author-word by default) on the
// large corpus, run through Paperboy's search on DB (a database ingested from that corpus), printing each query
// whose target is not first: where it came and what came first. For studying ranking, not for the table.
import { join } from 'node:path';
import { createSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../src/adapters/sqlite/sqlite-text-index.ts';
import { openSearch } from '../src/core/search/open-search.ts';
import { toPaperKey } from '../src/core/store/identity.ts';
import { makeIssueQueries, makeQueries, type QueryKind, readCorpus } from './bench-queries.ts';

const [db = '', kind = 'author-word'] = process.argv.slice(2);
const papers = await readCorpus(join(import.meta.dirname, '..', '..', 'shared', 'data', 'corpus', 'large.jsonl.gz'));
const queries = [...makeQueries(papers), ...makeIssueQueries(papers)].filter((q) => q.kind === (kind as QueryKind));
const store = createSqliteStore(db);
const { search } = await openSearch({ store, text: createSqliteTextIndex(store.db) }, db);
let first = 0;
for (const q of queries) {
  const page = await search.search(q.text, { pageSize: 10, page: 1 });
  const keys = page.results.map((r) => toPaperKey(r.paper.title));
  const at = keys.indexOf(toPaperKey(q.target));
  if (at === 0) {
    first++;
    continue;
  }
  console.log(
    `${at < 0 ? 'miss' : `#${at + 1}`} of ${page.total}: ${q.text}\n   target: ${q.target}\n   first:  ${page.results[0]?.paper.title ?? '-'}`,
  );
}
console.log(`${first}/${queries.length} first`);
await store.close();
