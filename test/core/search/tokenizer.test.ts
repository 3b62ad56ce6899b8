import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { toWords } from '../../../src/core/search/tokenize.ts';
import { hasSharedData, SHARED_DATA, SHARED_SKIP_REASON } from '../../helpers/shared-data.ts';
import { loadFixture } from './fixture.ts';

const FIELDS = ['title', 'authors', 'affiliations', 'abstract'] as const;

/** Fields whose words (by our splitter) differ from the words SQLite's FTS5 index holds for them. */
function disagreements(store: ReturnType<typeof createSqliteStore>) {
  store.db.exec("CREATE VIRTUAL TABLE temp.paper_words USING fts5vocab(main, paper_text, 'instance')");
  const fts = new Map<string, string[]>();
  for (const row of store.db.prepare('SELECT doc, col, term, offset FROM temp.paper_words').iterate() as Iterable<{
    doc: number;
    col: string;
    term: string;
    offset: number;
  }>) {
    const key = `${row.doc}:${row.col}`;
    const words = fts.get(key) ?? [];
    words[row.offset] = row.term;
    fts.set(key, words);
  }
  const rows = store.db.prepare('SELECT id, title, authors, affiliations, abstract FROM papers').all() as Record<
    string,
    string | number | null
  >[];
  const out: string[] = [];
  for (const row of rows) {
    for (const field of FIELDS) {
      const ours = toWords(String(row[field] ?? '')).join(' ');
      const theirs = (fts.get(`${row.id}:${field}`) ?? []).join(' ');
      if (ours !== theirs) out.push(`${row.id} ${field}: ${ours} | ${theirs}`);
    }
  }
  return { out, fields: rows.length * FIELDS.length };
}

describe('the words of a text are the same for the contract and for the SQLite text index', () => {
  it('agrees on every field of the built-in fixture, accents and ligatures included', async () => {
    const store = createSqliteStore(':memory:');
    await loadFixture(store);
    await store.savePapers(
      [
        {
          title: 'Efﬁcient naïve Caf\u0065\u0301 résumé',
          authors: ['José Núñez'],
          authorsTruncated: false,
          affiliations: ["L'École"],
          abstract: 'zero\u200bwidth soft\u00adhyphen a_b x² İstanbul',
          date: '2024',
          category: null,
          categoryFull: null,
          hasCode: false,
          codeUrl: null,
          arxivId: null,
          venue: null,
          citations: null,
        },
      ],
      new Date(),
    );
    expect(disagreements(store).out).toEqual([]);
    await store.close();
  });

  it.skipIf(!hasSharedData)(
    `agrees on every field of the small corpus${hasSharedData ? '' : ` (${SHARED_SKIP_REASON})`}`,
    async () => {
      const store = createSqliteStore(':memory:');
      await ingestPaths([`${SHARED_DATA}/corpus/small.jsonl.gz`], { store, clock: () => new Date() });
      const { out, fields } = disagreements(store);
      expect(fields).toBeGreaterThan(16_000);
      expect(out).toEqual([]);
      await store.close();
    },
  );
});
