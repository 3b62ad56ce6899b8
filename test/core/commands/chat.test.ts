import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTaste } from '../../../src/adapters/sqlite/sqlite-taste.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { decodeAction, encodeAction } from '../../../src/core/commands/action-codec.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import { toSnippet } from '../../../src/core/commands/paper-card.ts';
import type { Action, Reply } from '../../../src/core/commands/reply.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';

async function sampleChat(pageSize = 5) {
  const store = createSqliteStore(':memory:');
  await ingestPaths([SAMPLE_PAGE], { store, clock: () => new Date() });
  const now = new Date();
  for (const name of ['Amanda Askell', 'Amanda Askel', 'Deep Ganguli']) {
    await store.saveProfile(fakeProfile(name, [fakePaper(name.length)]), { path: name, contentHash: name }, now);
  }
  const search = createSearch({
    store,
    index: await PaperIndex.open({ store }),
    text: createSqliteTextIndex(store.db),
    vectors: createSqliteTaste(store.db),
  });
  return createChat({ store, search, pageSize });
}

const as = <K extends Reply['kind']>(reply: Reply, kind: K) => {
  expect(reply.kind).toBe(kind);
  return reply as Extract<Reply, { kind: K }>;
};

describe('chat commands', () => {
  it('/paper answers a page of cards with links, snippets and the listing profiles', async () => {
    const chat = await sampleChat();
    const reply = as(await chat.handle('/paper sycophancy'), 'papers');
    const [card] = reply.cards;
    expect(card?.title).toBe('Towards Understanding Sycophancy in Language Models');
    expect(card?.url).toMatch(/^https:\/\/www\.google\.com\/search\?q=/);
    expect(card?.snippet.some((s) => s.marked && /sycophancy/i.test(s.text))).toBe(true);
    expect(card?.profiles).toEqual(['Zac Hatfield-Dodds']);
    expect(card?.moreLikeThis).toEqual({ type: 'more', paperId: card?.id, page: 1 });
  });

  it('/paper transformers finds the transformer paper: other forms of a word match, and are marked', async () => {
    const chat = await sampleChat();
    const reply = as(await chat.handle('/paper transformers'), 'papers');
    const card = reply.cards.find((c) => /induction heads/i.test(c.title));
    expect(card, reply.cards.map((c) => c.title).join(' | ')).toBeDefined();
    expect(reply.relaxed).toBeUndefined();
    expect(reply.didYouMean).toBeUndefined();
    expect(card?.snippet.some((s) => s.marked && /^transformer$/i.test(s.text))).toBe(true);
  });

  it('pages forward and back through actions that survive encoding', async () => {
    const chat = await sampleChat(4);
    const first = as(await chat.handle('/paper year:2022'), 'papers');
    expect(first.cards).toHaveLength(4);
    expect(first.page.previous).toBeUndefined();
    const next = decodeAction(encodeAction(first.page.next as Action)) as Action;
    const second = as(await chat.act(next), 'papers');
    expect(second.page.page).toBe(2);
    expect(second.cards[0]?.id).not.toBe(first.cards[0]?.id);
    const back = as(await chat.act(second.page.previous as Action), 'papers');
    expect(back.cards.map((c) => c.id)).toEqual(first.cards.map((c) => c.id));
  });

  it('pages a query too long for a Discord button through a reference saved in the database', async () => {
    const chat = await sampleChat(2);
    const query =
      'language models year:2022 -"this phrase is not in any abstract at all, it only makes the query long"';
    const first = as(await chat.handle(`/paper ${query}`), 'papers');
    const id = encodeAction(first.page.next as Action, 100);
    expect(id).toMatch(/^pr:2:[\w-]{16}$/);
    const second = as(await chat.act(decodeAction(id) as Action), 'papers');
    expect(second.heading).toBe(`Papers for “${query}”`);
    expect(second.page.page).toBe(2);
    expect(as(await chat.act({ type: 'page', query: '', page: 2, ref: 'unknown-ref-0000' }), 'notice').text).toMatch(
      /search again/,
    );
  });

  it('"more like this" answers related papers without the paper itself', async () => {
    const chat = await sampleChat();
    const card = as(await chat.handle('/paper toy models superposition'), 'papers').cards[0];
    const more = as(await chat.act(card?.moreLikeThis as Action), 'papers');
    expect(more.heading).toMatch(/More like “Toy Models of Superposition”/);
    expect(more.cards.map((c) => c.id)).not.toContain(card?.id);
    expect(as(await chat.handle('/more 99999'), 'error').code).toBe('not_found');
  });

  it('/author shows metrics from the page and what the index adds', async () => {
    const chat = await sampleChat();
    const { card } = as(await chat.handle('/author Zac Hatfield-Dodds'), 'author');
    expect(card.profile).toMatchObject({ hIndex: 18, citationCount: 15836, novelty: 54, aiScore: 45, paperCount: 18 });
    expect(card.papers).toBe(18);
    expect(card.perYear.reduce((s, y) => s + y.papers, 0)).toBe(18);
    expect(card.categories[0]).toEqual({ name: 'CL', papers: 11 });
    expect(card.coAuthors.map((c) => c.name)).not.toContain('Zac Hatfield-Dodds');
    expect(card.latest[0]?.date).toBe('2025-10-10');
    // The page's own papers carry no citation counts: the index says so rather than guess.
    expect(card).toMatchObject({ citations: null, hIndex: null, papersWithCitations: 0 });
  });

  it('finds an author by a misspelt or partial name when one match is clear', async () => {
    const chat = await sampleChat();
    expect(as(await chat.handle('/author zac hatfeld-dodds'), 'author').card.name).toBe('Zac Hatfield-Dodds');
    expect(as(await chat.handle('/author Ganguli'), 'author').card.name).toBe('Deep Ganguli');
  });

  it('offers a short "did you mean" list when several names are close, never a guess', async () => {
    const chat = await sampleChat();
    const reply = as(await chat.handle('/author Amanda Askeel'), 'choices');
    expect(
      reply.options
        .map((o) => o.label)
        .slice(0, 2)
        .sort(),
    ).toEqual(['Amanda Askel', 'Amanda Askell']);
    expect(as(await chat.act(reply.options[0]?.action as Action), 'author').card.name).toMatch(/Amanda Askel/);
  });

  it('says kindly when no author is alike', async () => {
    const chat = await sampleChat();
    expect(as(await chat.handle('/author Qwxyz Vbnm'), 'notice').text).toMatch(/No author like “Qwxyz Vbnm”/);
  });

  it('/author A vs B compares two authors side by side', async () => {
    const chat = await sampleChat();
    const reply = as(await chat.handle('/author Zac Hatfield-Dodds vs Deep Ganguli'), 'compare');
    expect(reply.cards.map((c) => c.name)).toEqual(['Zac Hatfield-Dodds', 'Deep Ganguli']);
  });

  it('answers mentions in plain words like the commands', async () => {
    const chat = await sampleChat();
    expect(as(await chat.handle('@paperboy who is Zac Hatfield-Dodds'), 'author').card.profile?.hIndex).toBe(18);
    const found = as(await chat.handle('@paperboy papers on sycophancy by Zac Hatfield-Dodds since 2023'), 'papers');
    expect(found.cards[0]?.title).toBe('Towards Understanding Sycophancy in Language Models');
    expect(as(await chat.handle('@paperboy help'), 'help').commands.length).toBeGreaterThan(2);
  });

  it('meets empty, unknown and garbage input with help or a clear error, never silence', async () => {
    const chat = await sampleChat();
    expect((await chat.handle('')).kind).toBe('help');
    expect(as(await chat.handle('/frobnicate'), 'help').intro).toMatch(/I don't know “\/frobnicate”/);
    expect(as(await chat.handle('/paper colour:red'), 'error')).toMatchObject({
      code: 'invalid_query',
      message: expect.stringMatching(/unknown filter/),
    });
    const garbage = await chat.handle('\u0000\u0001 ☃☃☃ %%%');
    expect(['papers', 'help', 'notice']).toContain(garbage.kind);
    const none = as(await chat.handle('/paper qqqzzzxx'), 'papers');
    expect(none.cards).toEqual([]);
  });

  it('suggests authors for autocomplete, at most 25', async () => {
    const chat = await sampleChat();
    expect(await chat.suggestAuthors('aman')).toEqual(expect.arrayContaining(['Amanda Askell', 'Amanda Askel']));
    expect((await chat.suggestAuthors('')).length).toBeLessThanOrEqual(25);
  });
});

describe('toSnippet', () => {
  it('marks matched words (accents and prefixes too) and cuts around the first match', () => {
    const long = `${'filler '.repeat(80)}the Naïve model learns. ${'tail '.repeat(80)}`;
    const segments = toSnippet(long, ['naive', 'learn']);
    expect(segments.filter((s) => s.marked).map((s) => s.text)).toEqual(['Naïve', 'learns']);
    expect(segments[0]?.text.startsWith('… ')).toBe(true);
    expect(segments.at(-1)?.text.endsWith(' …')).toBe(true);
    expect(segments.map((s) => s.text).join('').length).toBeLessThan(300);
  });

  it('returns nothing for a paper without an abstract', () => {
    expect(toSnippet(null, ['x'])).toEqual([]);
  });
});
