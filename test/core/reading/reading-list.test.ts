import { join } from 'node:path';
import { parse } from '@retorquere/bibtex-parser';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { decodeAction, encodeAction } from '../../../src/core/commands/action-codec.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import type { Action, Reply } from '../../../src/core/commands/reply.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { parsePaperRef } from '../../../src/core/reading/paper-ref.ts';
import { READING_LIST_CAP } from '../../../src/core/reading/reading-commands.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import type { PaperInput } from '../../../src/core/store/paper-store.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const ADA = { platform: 'slack' as const, channel: 'C1', user: 'U1', space: 'T1' };
const ADA_ELSEWHERE = { ...ADA, space: 'T2' };
const BOB = { ...ADA, user: 'U2' };

const arxivPaper: PaperInput = {
  title: 'Sleeper Agents: Training Deceptive LLMs',
  authors: ['Evan Hubinger', 'Carson Denison'],
  authorsTruncated: false,
  affiliations: [],
  abstract: 'We train models with backdoors.',
  date: '2024-01-10',
  category: 'CR',
  categoryFull: 'cs.CR',
  hasCode: false,
  codeUrl: null,
  arxivId: '2401.05566',
  venue: null,
  citations: null,
  doi: '10.48550/arXiv.2401.05566',
  journalRef: 'Proc. Safety 1 (2024)',
};

const as = <K extends Reply['kind']>(reply: Reply, kind: K) => {
  expect(reply.kind, JSON.stringify(reply).slice(0, 300)).toBe(kind);
  return reply as Extract<Reply, { kind: K }>;
};

describe('reading list', () => {
  const tempDir = useTempDir();

  async function setup(pageSize = 5) {
    const store = createSqliteStore(join(tempDir(), 'p.db'));
    await ingestPaths([SAMPLE_PAGE], { store, clock: () => new Date() });
    await store.savePapers([arxivPaper], new Date());
    let now = Date.parse('2026-11-28T10:00:00Z');
    // Each command a minute later, so "newest saved first" is a real order.
    const clock = () => {
      now += 60_000;
      return new Date(now);
    };
    const search = createSearch({
      store,
      index: await PaperIndex.open({ store }),
      text: createSqliteTextIndex(store.db),
    });
    const chat = createChat({ store, search, pageSize, clock });
    const ids = (await search.search('year:2022', { pageSize: 10 })).results.map((hit) => hit.paper.id);
    return { store, chat, ids };
  }

  it('/save stores a paper once, however often it is saved, and /saved lists it', async () => {
    const { store, chat, ids } = await setup();
    const id = ids[0] as number;
    expect(as(await chat.handle(`/save ${id}`, ADA), 'notice').text).toMatch(
      /^Saved “.+” \(id \d+\) to your reading list: 1 of 1,000 papers/,
    );
    expect(as(await chat.act({ type: 'save', paperId: id }, ADA), 'notice').text).toMatch(
      /already in your reading list/,
    );
    expect(await store.readingList.count({ platform: 'slack', space: 'T1', user: 'U1' })).toBe(1);
    const list = as(await chat.handle('/saved', ADA), 'papers');
    expect(list.cards.map((c) => c.id)).toEqual([id]);
    expect(list.cards[0]?.remove).toEqual({ type: 'unsave', paperId: id, page: 1 });
  });

  it('lists newest saved first, paged like search results, and Remove removes', async () => {
    const { chat, ids } = await setup(2);
    const [a, b, c] = ids as [number, number, number];
    for (const id of [a, b, c]) await chat.handle(`/save ${id}`, ADA);
    const first = as(await chat.handle('/saved', ADA), 'papers');
    expect(first.cards.map((card) => card.id)).toEqual([c, b]);
    expect(first.page.total).toBe(3);
    const next = decodeAction(encodeAction(first.page.next as Action)) as Action;
    const second = as(await chat.act(next, ADA), 'papers');
    expect(second.cards.map((card) => card.id)).toEqual([a]);
    const remove = decodeAction(encodeAction(second.cards[0]?.remove as Action)) as Action;
    // Removing the last paper of the last page shows the page before it.
    const after = as(await chat.act(remove, ADA), 'papers');
    expect(after.page.total).toBe(2);
    expect(after.cards.map((card) => card.id)).toEqual([c, b]);
    expect(as(await chat.handle(`/saved remove ${b}`, ADA), 'notice').text).toMatch(/Removed paper/);
    expect(as(await chat.handle('/saved', ADA), 'papers').cards.map((card) => card.id)).toEqual([c]);
  });

  it('keeps one list per person and per workspace', async () => {
    const { chat, ids } = await setup();
    await chat.handle(`/save ${ids[0]}`, ADA);
    expect(as(await chat.handle('/saved', BOB), 'notice').text).toMatch(/reading list is empty/);
    expect(as(await chat.handle('/saved', ADA_ELSEWHERE), 'notice').text).toMatch(/reading list is empty/);
    expect(as(await chat.handle('/saved'), 'notice').text).toMatch(/reading list is empty/);
  });

  it('accepts arXiv ids and links, and names unknown ids clearly', async () => {
    const { chat } = await setup();
    expect(as(await chat.handle('/save 2401.05566v2', ADA), 'notice').text).toMatch(/Saved “Sleeper Agents/);
    expect(as(await chat.handle('/save https://arxiv.org/abs/2401.05566', ADA), 'notice').text).toMatch(/already/);
    expect(as(await chat.handle('/save 999999', ADA), 'error')).toMatchObject({ code: 'not_found' });
    expect(as(await chat.handle('/save 999999', ADA), 'error').message).toMatch(/No paper has id 999999/);
    expect(as(await chat.handle('/save 2501.00001', ADA), 'error').message).toMatch(
      /arXiv 2501.00001 is not in the index/,
    );
    expect(as(await chat.handle('/save sycophancy', ADA), 'error')).toMatchObject({ code: 'invalid_query' });
    expect(parsePaperRef('arXiv:hep-th/9901001v3')).toEqual({ kind: 'arxiv', arxivId: 'hep-th/9901001' });
    expect(parsePaperRef('https://arxiv.org/pdf/2310.13548v4.pdf')).toEqual({ kind: 'arxiv', arxivId: '2310.13548' });
  });

  it(`holds at most ${READING_LIST_CAP} papers a person and says so, losing nothing`, async () => {
    const { store, chat, ids } = await setup();
    const reader = { platform: 'slack', space: 'T1', user: 'U1' };
    // One transaction: the store's own, which the reading list's calls run inside.
    await store.begin();
    for (let i = 0; i < READING_LIST_CAP; i++)
      await store.readingList.save(reader, 500_000 + i, new Date(0), READING_LIST_CAP);
    await store.commit();
    const full = as(await chat.handle(`/save ${ids[0]}`, ADA), 'error');
    expect(full.code).toBe('reading_list_full');
    expect(full.message).toMatch(/full: it holds 1,000 papers/);
    expect(await store.readingList.count(reader)).toBe(READING_LIST_CAP);
    // Someone else's list is not full.
    expect(as(await chat.handle(`/save ${ids[0]}`, BOB), 'notice').text).toMatch(/^Saved/);
  });

  it('a paper removed from the index stays on the list, shown as gone, and export says it left it out', async () => {
    const { store, chat, ids } = await setup();
    const [kept, gone] = ids as [number, number];
    await chat.handle(`/save ${kept}`, ADA);
    await chat.handle(`/save ${gone}`, ADA);
    store.db.prepare('DELETE FROM profile_papers WHERE paper_id = ?').run(gone);
    store.db.prepare('DELETE FROM papers WHERE id = ?').run(gone);
    const list = as(await chat.handle('/saved', ADA), 'papers');
    expect(list.cards.map((c) => c.id)).toEqual([gone, kept]);
    expect(list.cards[0]?.title).toMatch(new RegExp(`Paper ${gone} is no longer in the index`));
    const exported = as(await chat.handle('/saved export', ADA), 'bibtex');
    expect(exported.text).toMatch(new RegExp(`1 saved paper is no longer in the index and left out \\(id ${gone}\\)`));
    expect(parse(exported.bibtex).entries).toHaveLength(1);
    expect(as(await chat.handle('/saved', ADA), 'papers').page.total).toBe(2);
  });

  it('/cite answers BibTeX that parses; /saved export gives the whole list as a file', async () => {
    const { chat, ids } = await setup();
    const cite = as(await chat.handle('/cite 2401.05566', ADA), 'bibtex');
    expect(cite.filename).toBeUndefined();
    const [entry] = parse(cite.bibtex).entries;
    expect(entry?.key).toBe('hubinger2024sleeper');
    expect(entry?.fields.eprint).toBe('2401.05566');
    expect(entry?.fields.doi).toBe('10.48550/arXiv.2401.05566');
    expect(entry?.fields.journal).toBe('Proc. Safety 1 (2024)');
    expect(as(await chat.handle('/cite https://doi.org/10.48550/arXiv.2401.05566', ADA), 'bibtex').bibtex).toBe(
      cite.bibtex,
    );
    for (const id of ids) await chat.handle(`/save ${id}`, ADA);
    const exported = as(await chat.handle('/saved export', ADA), 'bibtex');
    expect(exported.filename).toBe('reading-list.bib');
    const parsed = parse(exported.bibtex);
    expect(parsed.errors).toEqual([]);
    expect(parsed.entries).toHaveLength(ids.length);
    expect(new Set(parsed.entries.map((e) => e.key)).size).toBe(ids.length);
    expect(as(await chat.act({ type: 'cite', paperId: ids[0] as number }, ADA), 'bibtex').bibtex).toMatch(/^@misc\{/);
  });

  it('reading-list actions survive encoding', () => {
    const actions: Action[] = [
      { type: 'save', paperId: 12 },
      { type: 'cite', paperId: 7 },
      { type: 'unsave', paperId: 3, page: 2 },
      { type: 'saved', page: 4 },
    ];
    for (const action of actions) expect(decodeAction(encodeAction(action))).toEqual(action);
    expect(decodeAction('sv:1:2')).toBeUndefined();
  });
});
