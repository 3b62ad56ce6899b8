import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/adapters/sqlite/sqlite-migrations.ts';
import { createSqliteStore, migrate } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { hIndex } from '../../../src/core/authors/author-card.ts';
import { toSparkline } from '../../../src/core/authors/author-facts.ts';
import { authorCardOf, lookupAuthor } from '../../../src/core/authors/author-lookup.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import type { Reply } from '../../../src/core/commands/reply.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { PaperRecordSchema, toPaperInput } from '../../../src/core/ingest/paper-record.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import type { PaperStore } from '../../../src/core/store/paper-store.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';

const now = new Date('2026-01-01T00:00:00Z');

type RecordFields = {
  title: string;
  authors: string[];
  date?: string;
  category?: string;
  arxivId?: string | null;
  venue?: string | null;
  citations?: number | null;
  codeUrl?: string | null;
  affiliations?: string[];
};
const record = (fields: RecordFields) =>
  toPaperInput(PaperRecordSchema.parse({ date: '2024-05-01', category: 'cs.CL', ...fields }));

async function storeWith(records: RecordFields[]): Promise<PaperStore> {
  const store = createSqliteStore(':memory:');
  await store.begin();
  await store.savePapers(records.map(record), now);
  await store.commit();
  return store;
}

async function cardOf(store: PaperStore, name: string) {
  const found = await lookupAuthor(store, name);
  if (!('found' in found)) throw new Error(`${name} not found: ${JSON.stringify(found)}`);
  return (await authorCardOf(store, found.found)).card;
}

const as = <K extends Reply['kind']>(reply: Reply, kind: K) => {
  expect(reply.kind).toBe(kind);
  return reply as Extract<Reply, { kind: K }>;
};

describe('author cards from the index of listed names', () => {
  it('a co-author of the sample has a card: /author, who is, and A vs B', async () => {
    const store = createSqliteStore(':memory:');
    await ingestPaths([SAMPLE_PAGE], { store, clock: () => now });
    const search = createSearch({
      store,
      index: await PaperIndex.open({ store }),
      text: createSqliteTextIndex(store.db),
    });
    const chat = createChat({ store, search });
    const card = as(await chat.handle('/author Amanda Askell'), 'author').card;
    expect(card).toMatchObject({ name: 'Amanda Askell', profile: null, papers: 3 });
    expect(card.coAuthors.map((c) => c.name)).toContain('Zac Hatfield-Dodds');
    expect(as(await chat.handle('who is Amanda Askell'), 'author').card.name).toBe('Amanda Askell');
    const both = as(await chat.handle('/author Amanda Askell vs Deep Ganguli'), 'compare');
    expect(both.cards.map((c) => c.name)).toEqual(['Amanda Askell', 'Deep Ganguli']);
    // The profile owner's card keeps the page's figures apart from the index's.
    const owner = as(await chat.handle('/author Zac Hatfield-Dodds'), 'author').card;
    expect(owner.profile?.hIndex).toBe(18);
    expect(owner.hIndex).toBeNull();
  });

  it('a corpus author with citation counts: merged papers keep their largest count, h-index from the counts', async () => {
    const store = await storeWith([
      // One paper listed twice (arXiv and a conference): counted once, with the larger count.
      { title: 'Shared Work', authors: ['Ada Lovelace', 'Charles Babbage'], arxivId: '2401.00001', date: '2024-01-02' },
      {
        title: 'Shared Work',
        authors: ['Ada Lovelace', 'Charles Babbage'],
        category: 'ACL 2024',
        venue: 'ACL',
        citations: 9,
        date: '2024',
      },
      {
        title: 'Shared work.',
        authors: ['Ada Lovelace', 'Charles Babbage'],
        category: 'ACL 2024',
        venue: 'ACL',
        citations: 4,
        date: '2024',
      },
      {
        title: 'Second',
        authors: ['Ada Lovelace', 'Charles Babbage'],
        category: 'NeurIPS 2023',
        venue: 'NeurIPS',
        citations: 3,
        date: '2023',
      },
      {
        title: 'Third',
        authors: ['Ada Lovelace', 'Mary Somerville'],
        category: 'NeurIPS 2022',
        venue: 'NeurIPS',
        citations: 0,
        date: '2022',
        affiliations: ['Analytical Society', 'Royal Society'],
      },
      { title: 'Fourth', authors: ['Ada Lovelace'], codeUrl: 'https://example.org/code', date: '2025-03-04' },
    ]);
    const card = await cardOf(store, 'Ada Lovelace');
    expect(card).toMatchObject({
      papers: 4,
      firstYear: 2022,
      lastYear: 2025,
      perYear: [
        { year: 2022, papers: 1 },
        { year: 2023, papers: 1 },
        { year: 2024, papers: 1 },
        { year: 2025, papers: 1 },
      ],
      citations: 12,
      papersWithCitations: 3,
      hIndex: 2,
      withCode: 1,
      mayBeSeveral: false,
    });
    expect(card.coAuthors).toEqual([
      { name: 'Charles Babbage', papers: 2 },
      { name: 'Mary Somerville', papers: 1 },
    ]);
    expect(card.venues).toEqual([
      { name: 'NeurIPS', papers: 2 },
      { name: 'ACL', papers: 1 },
    ]);
    expect(card.categories).toEqual([{ name: 'cs.CL', papers: 2 }]);
    expect(card.latest.map((p) => p.title)).toEqual(['Fourth', 'Shared Work', 'Second']);
  });

  it('a corpus author without citation counts: citations and h-index are null, zero papers with a count', async () => {
    const store = await storeWith([{ title: 'Only arXiv', authors: ['Grace Hopper'] }]);
    expect(await cardOf(store, 'grace HOPPER')).toMatchObject({
      name: 'Grace Hopper',
      citations: null,
      hIndex: null,
      papersWithCitations: 0,
      papers: 1,
    });
  });

  it('a surname shared by several lists the people with it, most papers first, never a guess', async () => {
    const store = await storeWith([
      { title: 'A1', authors: ['Alice Smith'] },
      { title: 'B1', authors: ['Bob Smith'] },
      { title: 'B2', authors: ['Bob Smith'] },
      { title: 'B3', authors: ['Bob Smith'] },
      { title: 'C1', authors: ['Carol Smith'] },
      { title: 'C2', authors: ['Carol Smith'] },
      { title: 'D1', authors: ['Dan Smithers'] },
    ]);
    const found = await lookupAuthor(store, 'Smith');
    expect('choices' in found && found.choices.slice(0, 3)).toEqual([
      { name: 'Bob Smith', key: 'bob smith', papers: 3 },
      { name: 'Carol Smith', key: 'carol smith', papers: 2 },
      { name: 'Alice Smith', key: 'alice smith', papers: 1 },
    ]);
    // Initials narrow it down.
    const initials = await lookupAuthor(store, 'C. Smith');
    expect('found' in initials ? initials.found.name : 'choices' in initials && initials.choices[0]?.name).toBe(
      'Carol Smith',
    );
  });

  it('a misspelled name finds the closest names; the CLI-style strict lookup never guesses', async () => {
    const store = await storeWith([
      { title: 'One', authors: ['Dan Jurafsky'] },
      { title: 'Two', authors: ['Dan Jurafsky', 'Chris Manning'] },
    ]);
    const loose = await lookupAuthor(store, 'Dan Jurafksy');
    expect('found' in loose && loose.found.name).toBe('Dan Jurafsky');
    const strict = await lookupAuthor(store, 'Dan Jurafksy', 5, undefined, { guess: false });
    expect('choices' in strict && strict.choices.map((c) => c.name)).toEqual(['Dan Jurafsky']);
    expect(await lookupAuthor(store, 'Qwxyz Vbnm')).toEqual({ none: true });
  });

  it('names with accents match without them, and a CJK name is its own key', async () => {
    const store = await storeWith([
      { title: 'Accents', authors: ['José Müller-Öztürk', '王小明'] },
      { title: 'More', authors: ['王小明'] },
    ]);
    expect((await cardOf(store, 'Jose Muller-Ozturk')).name).toBe('José Müller-Öztürk');
    expect(await cardOf(store, 'jose muller ozturk')).toMatchObject({
      papers: 1,
      coAuthors: [{ name: '王小明', papers: 1 }],
    });
    expect(await cardOf(store, '王小明')).toMatchObject({ name: '王小明', papers: 2 });
  });

  it('a name whose papers fall into groups with no shared co-author and different categories may be several people', async () => {
    const store = await storeWith([
      { title: 'Bio 1', authors: ['Wei Zhang', 'Ann Bio'], category: 'q-bio.GN' },
      { title: 'Bio 2', authors: ['Wei Zhang', 'Ann Bio'], category: 'q-bio.GN' },
      { title: 'Robots 1', authors: ['Wei Zhang', 'Rob Otto'], category: 'cs.RO' },
      { title: 'Robots 2', authors: ['Wei Zhang', 'Rob Otto'], category: 'cs.RO' },
      { title: 'Lone', authors: ['Jane Doe', 'Ann Bio'], category: 'q-bio.GN' },
      { title: 'Lone 2', authors: ['Jane Doe', 'Rob Otto'], category: 'cs.RO' },
    ]);
    expect((await cardOf(store, 'Wei Zhang')).mayBeSeveral).toBe(true);
    // Jane's two papers share no co-author, but single papers are no group.
    expect((await cardOf(store, 'Jane Doe')).mayBeSeveral).toBe(false);
  });

  it('the index follows updates: a longer author list replaces a shorter one', async () => {
    const store = await storeWith([{ title: 'Growing', authors: ['First Author'], arxivId: '2402.00002' }]);
    await store.begin();
    await store.savePapers(
      [record({ title: 'Growing', authors: ['First Author', 'Late Comer'], arxivId: '2402.00002' })],
      now,
    );
    await store.commit();
    expect((await cardOf(store, 'Late Comer')).papers).toBe(1);
    expect((await cardOf(store, 'First Author')).coAuthors).toEqual([{ name: 'Late Comer', papers: 1 }]);
  });

  it('a database from before the author index gets it filled from its papers when it is opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-authors-'));
    try {
      const file = join(dir, 'old.db');
      // The schema just before the author index, with a paper in it.
      const old = new Database(file);
      migrate(
        old,
        MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE author_names')),
      );
      old
        .prepare(
          `INSERT INTO papers (title_key, title, authors, authors_truncated, affiliations, date, has_code, seq, first_seen_at)
           VALUES ('old', 'Old', ?, 0, '[]', '2024', 0, 1, '2024-01-01')`,
        )
        .run(JSON.stringify(['Zoë Old', 'Al New']));
      old.close();
      const reopened = createSqliteStore(file);
      expect(await cardOf(reopened, 'Zoe Old')).toMatchObject({ name: 'Zoë Old', papers: 1 });
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('h-index and sparkline', () => {
    expect(hIndex([10, 8, 5, 4, 3])).toBe(4);
    expect(hIndex([0, 0])).toBe(0);
    expect(hIndex([])).toBe(0);
    expect(
      toSparkline([
        { year: 2020, papers: 1 },
        { year: 2022, papers: 8 },
      ]),
    ).toBe('▁·█');
  });
});
