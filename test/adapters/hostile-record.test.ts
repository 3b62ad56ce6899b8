import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordDigestPoster } from '../../src/adapters/discord/digest-poster.ts';
import { DISCORD_LIMITS, type DiscordMessage, renderDiscord } from '../../src/adapters/discord/render.ts';
import { createLogger } from '../../src/adapters/logger.ts';
import { createSlackDigestPoster } from '../../src/adapters/slack/digest-poster.ts';
import { renderSlack, SLACK_LIMITS } from '../../src/adapters/slack/render.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../src/adapters/sqlite/sqlite-text-index.ts';
import { createTerminalPoster } from '../../src/adapters/terminal/digest-poster.ts';
import { COLOUR, PLAIN, renderReply } from '../../src/adapters/terminal/render.ts';
import { createChat } from '../../src/core/commands/chat.ts';
import type { Reply } from '../../src/core/commands/reply.ts';
import { PaperRecordSchema, toPaperInput } from '../../src/core/ingest/paper-record.ts';
import { PaperIndex } from '../../src/core/search/paper-index.ts';
import { createSearch } from '../../src/core/search/search.ts';
import { CHANNEL_ID, type FakeDiscord, startFakeDiscord } from '../fakes/fake-discord.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.ts';
import { unescaped } from '../helpers/cards.ts';
import { digestFixture } from '../helpers/digest-fixture.ts';
import { type Embed, expectValidEmbeds } from '../helpers/discord-embeds.ts';

// Characters that reorder or hide text: a right-to-left override that would show the rest of the line backwards,
// isolates, zero-width characters and direction marks, the Arabic letter mark.
const SPOOF =
  'paper\u202Efdp.exe\u202C \u2066\u2067\u2068x\u2069 zero\u200Bwidth\u200C\u200D\u200E\u200F \u061C\u202A\u202B\u202D';
/** Invisible characters in `text`, but the zero-width space the escapes put after `@` on purpose. */
const invisibles = (text: string) =>
  [...text.replaceAll('@\u200b', '@')].filter((c) => /[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]/.test(c));

// Markup of every platform, mentions, masked links and terminal escapes, in one line. (No NUL: a NUL in a title
// or a query still crashes search's SQLite text match, "unterminated string"; reported, not the renderers' part.)
const HOSTILE = [
  '<!channel> <!here> <!everyone> @channel @here @everyone <!subteam^S123|team>',
  '<@U123ABC> <@123456789012345678> <@!123456789012345678> <@&123456789012345678> <#123456789012345678> <#C123|general>',
  '[click me](https://evil.example/x) [x](<https://evil.example>) <https://evil.example|click> <https://evil.example>',
  '**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block``` *it* _it_ </paper:1234> <t:0:R> <:emoji:1234>',
  '&amp; &lt; & \\ \u001b[2J\u001b[H\u001b]0;pwned\u0007\u009b31m\u0008\r',
  SPOOF,
].join(' ');
// Block markup only counts at the start of a line: abstracts keep their line breaks.
const BLOCK_MARKUP = '\n# Heading\n> quote\n>>> quote\n- item\n* item\n1. item\n-# subtext\n';
const pad = (text: string) => `${text} ${'padding '.repeat(5000)}`.slice(0, 40_000);
const QUERY =
  'sycophancy \u202Eevil\u200B <!channel> <@U123ABC> <#123456789012345678> @everyone [click me](https://evil.example/x) **bold** ||spoiler|| \u001b]0;pwned\u0007';
('sycophancy <!channel> <@U123ABC> <#123456789012345678> @everyone [click](https://evil.example/x) **b** ||s|| \u001b]0;pwned\u0007');

// What a digest subscription echoes in its heading (every word must be in the paper).
const DIGEST_QUERY =
  'sycophancy <!channel> <@U123ABC> <#123456789012345678> @everyone [click me](https://evil.example/x) **bold** ||spoiler||';

const hostileRecord = (n: number) =>
  toPaperInput(
    PaperRecordSchema.parse({
      arxivId: null,
      title: pad(`Sycophancy ${n} ${HOSTILE}`),
      authors: [`Mallory ${HOSTILE}`, pad(`Eve ${HOSTILE}`)],
      affiliations: [pad(`Evil Lab ${HOSTILE}`)],
      date: '2026-01-02',
      // A venue-like category: "NAME 2026" is shortened to NAME, which then carries the markup.
      category: `${HOSTILE} 2026`,
      abstract: pad(`Sycophancy ${HOSTILE}${BLOCK_MARKUP}${HOSTILE}`),
      codeUrl: 'https://github.com/example/code',
      venue: HOSTILE,
      citations: 3,
    }),
  );
const PROFILE = `Mallory ${HOSTILE}`.replaceAll('\n', ' ');

// ---- what must hold for each platform ----

/** Characters that change a terminal's state (C0 controls but newline and tab, DEL, C1), or hide or reorder text. */
const controls = (text: string) => [
  ...[...text].filter((c) => {
    const code = c.codePointAt(0) ?? 0;
    return (code < 0x20 && c !== '\n' && c !== '\t') || (code >= 0x7f && code <= 0x9f);
  }),
  ...invisibles(text),
];

function checkTerminal(text: string) {
  // The renderer's own colour codes are the only escape sequences.
  const [first = '', ...afterEscapes] = text.split('\u001b');
  expect(afterEscapes.every((rest) => /^\[[0-9;]*m/.test(rest))).toBe(true);
  expect(controls(first + afterEscapes.join(''))).toEqual([]);
}

/** Text Discord reads as markdown: no mention, no masked link, no markup from the data. */
function checkDiscordMarkdown(text: string, { lines = true } = {}) {
  expect(controls(text)).toEqual([]);
  expect(text).not.toMatch(/@(everyone|here)/);
  expect(unescaped(text, '<')).toBe(0);
  expect(unescaped(text, '[')).toBe(0);
  for (const raw of ['**bold**', '__under__', '~~strike~~', '||spoiler||', '`code`']) expect(text).not.toContain(raw);
  if (lines) expect(text).not.toMatch(/^[ \t]*(#{1,3} |-# |>{1,3} |[-*] |\d+\. )/m);
}

/** Text Discord shows as typed (footers, labels, thread names): only no control characters. */
const checkDiscordPlain = (text: string) => expect(controls(text)).toEqual([]);

function checkEmbeds(embeds: Embed[]) {
  expectValidEmbeds(embeds);
  for (const embed of embeds) {
    if (embed.title) checkDiscordMarkdown(embed.title, { lines: false });
    if (embed.description) checkDiscordMarkdown(embed.description);
    if (embed.footer) checkDiscordPlain(embed.footer.text);
    for (const field of embed.fields ?? []) checkDiscordMarkdown(field.value);
  }
}

function checkDiscordMessage(message: DiscordMessage) {
  if (message.content !== undefined) {
    expect(message.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    checkDiscordMarkdown(message.content);
  }
  checkEmbeds(message.embeds.map((e) => e.toJSON() as Embed));
  expect(message.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
  for (const row of message.components) {
    const buttons = row.toJSON().components as { label?: string; custom_id?: string }[];
    expect(buttons.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
    for (const button of buttons) {
      expect((button.label ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.label);
      checkDiscordPlain(button.label ?? '');
      expect((button.custom_id ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
    }
  }
}

// Paperboy's own Slack links (`<url|label>` to the paper) are the only angle brackets allowed.
const OWN_LINK = /<https:\/\/(?:arxiv\.org\/abs|www\.google\.com\/search)[^|<>\s]*\|[^<>]*>/g;

/** Text Slack reads as mrkdwn (and fallback `text`): no mention, no link but ours, entities only. */
function checkSlackText(text: string) {
  expect(controls(text)).toEqual([]);
  const rest = text.replace(OWN_LINK, '');
  expect(rest).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/@(channel|here|everyone)/);
  expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
}

type TextObject = { type: string; text: string; verbatim?: boolean };
/** Every text object in some blocks, wherever it sits. */
function textObjects(value: unknown): TextObject[] {
  if (Array.isArray(value)) return value.flatMap(textObjects);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own =
    (record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string'
      ? [record as TextObject]
      : [];
  return [...own, ...Object.values(record).flatMap(textObjects)];
}

function checkSlackMessage(message: { text: string; blocks: Record<string, unknown>[] }) {
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
  checkSlackText(message.text);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const block of message.blocks) {
    const text = block.text as TextObject | undefined;
    if (block.type === 'header') expect(text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    if (block.type === 'section' && text) expect(text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    const fields = (block.fields ?? []) as TextObject[];
    expect(fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
    for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    if (block.type === 'context')
      expect((block.elements as unknown[]).length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
    if (block.type === 'actions') {
      const elements = block.elements as { action_id?: string; value?: string; text: TextObject }[];
      expect(elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      for (const e of elements) {
        expect(e.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect((e.action_id ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
        expect((e.value ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      }
    }
  }
  for (const object of textObjects(message.blocks)) {
    if (object.type === 'plain_text') {
      expect(controls(object.text)).toEqual([]);
      continue;
    }
    // Slack would otherwise turn words into links and mentions by itself.
    expect(object.verbatim).toBe(true);
    checkSlackText(object.text);
  }
}

// ---- the record through every renderer ----

describe('one hostile record through every renderer', () => {
  const store = createSqliteStore(':memory:');
  // The index opens on the empty store, and every search catches up with what the test saves.
  let chat: ReturnType<typeof createChat>;
  let replies: [string, Reply][] = [];

  beforeAll(async () => {
    const index = await PaperIndex.open({ store });
    chat = createChat({ store, search: createSearch({ store, index, text: createSqliteTextIndex(store.db) }) });
    await store.begin();
    const saved = await store.savePapers([hostileRecord(1)], new Date('2026-11-28T12:00:00Z'));
    await store.commit();
    const paper = (await store.getPapers([...saved.keys()]))[0];
    await store.saveProfile(
      {
        name: PROFILE,
        category: HOSTILE,
        hIndex: 1,
        paperCount: 2,
        citationCount: 3,
        novelty: null,
        aiScore: null,
        listedCount: 2,
        papers: [
          {
            category: HOSTILE,
            date: '2026-01-02',
            hasCode: true,
            title: pad(`Another sycophancy paper ${HOSTILE}`),
            authors: [PROFILE, `Mallory ${HOSTILE}`],
            authorsTruncated: true,
            affiliations: [`Evil Lab ${HOSTILE}`],
            abstract: pad(`Sycophancy ${HOSTILE}${BLOCK_MARKUP}`),
          },
        ],
      },
      { path: 'hostile.txt', contentHash: 'hostile' },
      new Date('2026-11-28T12:00:00Z'),
    );
    const author = await chat.act({ type: 'author', name: PROFILE });
    replies = [
      ['papers', await chat.act({ type: 'page', query: QUERY, page: 1 })],
      ['more like', await chat.act({ type: 'more', paperId: paper?.id ?? 0, page: 1 })],
      ['author', author],
      ['compare', author.kind === 'author' ? { kind: 'compare', cards: [author.card, author.card] } : author],
      ['no such author', await chat.act({ type: 'author', name: `Nobody ${HOSTILE}` })],
      ['nothing found', await chat.act({ type: 'page', query: `zzqx ${HOSTILE}`, page: 1 })],
      ['bad query', await chat.act({ type: 'page', query: `${QUERY} colour:red`, page: 1 })],
      [
        'choices',
        {
          kind: 'choices',
          message: `Did you mean ${HOSTILE}?`,
          options: [{ label: PROFILE, action: { type: 'author', name: PROFILE } }],
        },
      ],
    ];
  });
  afterAll(() => store.close());

  it('finds the hostile papers and the author, with the query echoed', () => {
    const [, papers] = replies[0] ?? [];
    expect(papers?.kind).toBe('papers');
    expect(papers?.kind === 'papers' && papers.cards.length).toBe(2);
    expect(papers?.kind === 'papers' && papers.heading).toContain('<!channel>');
    expect(replies[2]?.[1].kind).toBe('author');
    expect(replies[1]?.[1].kind).toBe('papers');
  });

  it('terminal: nothing escapes into the terminal, with or without colour', () => {
    for (const [, reply] of replies) {
      checkTerminal(renderReply(reply, COLOUR));
      checkTerminal(renderReply(reply, PLAIN));
    }
  });

  it('Discord: nothing pings or links and no markup gets through; every limit holds', () => {
    for (const [name, reply] of replies) {
      try {
        checkDiscordMessage(renderDiscord(reply));
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message}`);
      }
    }
  });

  it('Slack: nothing pings or links, fallback text included; every limit holds', () => {
    for (const [name, reply] of replies) {
      for (const shareable of [true, false]) {
        try {
          checkSlackMessage(renderSlack(reply, { shareable }));
        } catch (error) {
          throw new Error(`${name}: ${(error as Error).message}`);
        }
      }
    }
  });
});

describe('text that reorders or hides itself', () => {
  it('R10: bidi overrides, isolates and zero-width characters reach no platform and no terminal', async () => {
    const store = createSqliteStore(':memory:');
    try {
      const index = await PaperIndex.open({ store });
      const chat = createChat({ store, search: createSearch({ store, index, text: createSqliteTextIndex(store.db) }) });
      await store.begin();
      await store.savePapers([hostileRecord(2)], new Date('2026-11-28T12:00:00Z'));
      await store.commit();
      const reply = await chat.act({ type: 'page', query: 'sycophancy \u202Eevil', page: 1 });
      expect(reply.kind).toBe('papers');
      const texts = [
        renderReply(reply, COLOUR),
        renderReply(reply, PLAIN),
        // What Slack shows (a button's value carries the query back to Paperboy, unseen).
        ...[renderSlack(reply, { shareable: true })].flatMap((m) => [
          m.text,
          ...textObjects(m.blocks).map((t) => t.text),
        ]),
        JSON.stringify(renderDiscord(reply).embeds.map((e) => e.toJSON())),
      ];
      // JSON.stringify keeps these characters as they are (it escapes only controls and lone surrogates).
      for (const text of texts) expect(invisibles(text)).toEqual([]);
      // The visible text stays: only the invisible characters went.
      expect(texts[1]).toContain('paperfdp.exe');
    } finally {
      await store.close();
    }
  });
});

describe('one hostile record through every digest poster', () => {
  let slack: FakeSlack;
  let discord: FakeDiscord;
  beforeAll(async () => {
    [slack, discord] = await Promise.all([startFakeSlack(), startFakeDiscord()]);
  });
  afterAll(async () => {
    await Promise.all([slack.stop(), discord.stop()]);
  });

  /** A digest subscribed with the hostile query, whose day brings the hostile papers. */
  async function hostileDigest(context: { platform: 'slack' | 'discord' | 'terminal'; channel: string; user: string }) {
    const t = await digestFixture(context, `/digest subscribe ${DIGEST_QUERY}`);
    await t.store.begin();
    await t.store.savePapers([hostileRecord(1), hostileRecord(2), hostileRecord(3)], new Date('2026-11-28T12:00:00Z'));
    await t.store.commit();
    return t;
  }

  it('Slack digest: the summary and the thread ping nobody and link only to the papers', async () => {
    const t = await hostileDigest({ platform: 'slack', channel: 'C1', user: 'U1' });
    const poster = createSlackDigestPoster({
      token: 'xoxb-test',
      apiUrl: slack.apiUrl,
      logger: createLogger(new PassThrough()),
    });
    const [outcome] = await t.run('2026-11-29T09:00:00Z', { slack: poster });
    expect(outcome?.status).toBe('sent');
    const posts = slack.callsTo('chat.postMessage');
    expect(posts.length).toBe(2);
    for (const post of posts)
      checkSlackMessage({ text: String(post.body.text), blocks: post.body.blocks as Record<string, unknown>[] });
  });

  it('Discord digest: the summary, the thread name and the cards ping nobody and carry no markup', async () => {
    const t = await hostileDigest({ platform: 'discord', channel: CHANNEL_ID, user: '100000000000000005' });
    const poster = createDiscordDigestPoster({ token: 'test-token', apiUrl: discord.apiUrl });
    const [outcome] = await t.run('2026-11-29T09:00:00Z', { discord: poster });
    expect(outcome?.status).toBe('sent');
    const posts = discord.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path));
    expect(posts.length).toBe(2);
    for (const post of posts) {
      expect(post.body?.allowed_mentions).toEqual({ parse: [] });
      checkEmbeds(post.body?.embeds as Embed[]);
    }
    const [thread] = discord.calls.filter((c) => c.path.endsWith('/threads'));
    const name = String(thread?.body?.name);
    expect(name.length).toBeLessThanOrEqual(100);
    checkDiscordPlain(name);
  });

  it('terminal digest: nothing escapes into the terminal', async () => {
    const t = await hostileDigest({ platform: 'terminal', channel: 'terminal', user: 'me' });
    let printed = '';
    const poster = createTerminalPoster((text) => {
      printed += text;
    }, COLOUR);
    const [outcome] = await t.run('2026-11-29T09:00:00Z', { terminal: poster });
    expect(outcome?.status).toBe('sent');
    expect(printed).toContain('Sycophancy 1');
    checkTerminal(printed);
  });
});
