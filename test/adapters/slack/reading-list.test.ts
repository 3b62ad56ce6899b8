import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@retorquere/bibtex-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestChunks } from '../../../src/adapters/slack/digest-poster.ts';
import { SLACK_LIMITS } from '../../../src/adapters/slack/render.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTaste } from '../../../src/adapters/sqlite/sqlite-taste.ts';
import type { PaperCard } from '../../../src/core/commands/reply.ts';
import { type FakeSlack, slackSignature, startFakeSlack } from '../../fakes/fake-slack.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SECRET = 'test-signing-secret';
const FORM = 'application/x-www-form-urlencoded';
type Option = { text: { text: string }; value: string };
type Overflow = { type: string; action_id: string; options: Option[] };
type Block = { type: string; block_id?: string; text?: { text: string }; accessory?: Overflow };

describe('Slack reading list: real Bolt over HTTP, fake Slack', () => {
  let slack: FakeSlack;
  let served: Awaited<ReturnType<typeof servePaperboy>>;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-slack-reading-'));
    served = await servePaperboy(
      ['start', '--db', join(dir, 'p.db')],
      { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' },
      /HTTP mode on port (\d+)/,
    );
    base = `http://127.0.0.1:${served.match[1]}`;
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string) =>
    fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': FORM, ...slackSignature(SECRET, body) },
      body,
    });
  const slash = (command: string, text: string, id: string) =>
    post(
      new URLSearchParams({
        command,
        text,
        response_url: `${slack.url}/respond/${id}`,
        user_id: 'U1',
        channel_id: 'C1',
        team_id: 'T1',
        trigger_id: crypto.randomUUID(), // unique per invocation, as Slack's are
        token: 'legacy',
        api_app_id: 'A1',
      }).toString(),
    );
  /** Chooses an option of a card's overflow menu, as Slack sends it. */
  const choose = (menu: Overflow, option: Option | undefined, responseId: string) =>
    post(
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: 'U1', team_id: 'T1' },
          team: { id: 'T1' },
          api_app_id: 'A1',
          token: 'legacy',
          channel: { id: 'C1' },
          container: { type: 'message', message_ts: '1.1', is_ephemeral: true },
          trigger_id: crypto.randomUUID(), // unique per invocation, as Slack's are
          response_url: `${slack.url}/respond/${responseId}`,
          actions: [
            {
              type: 'overflow',
              action_id: menu.action_id,
              block_id: 'b',
              selected_option: option,
              action_ts: '1.2',
            },
          ],
        }),
      }).toString(),
    );
  const answerTo = async (id: string, n = 1) =>
    (await waitFor(() => (slack.respondsTo(id).length >= n ? slack.respondsTo(id) : undefined)))[n - 1];
  const menusOf = (call: { body: Record<string, unknown> } | undefined) =>
    ((call?.body.blocks ?? []) as Block[]).flatMap((b) => (b.accessory?.type === 'overflow' ? [b.accessory] : []));
  const option = (menu: Overflow | undefined, label: RegExp) => menu?.options.find((o) => label.test(o.text.text));
  const savedCount = async () => {
    const reader = createSqliteStore(join(dir, 'p.db'), { readonly: true });
    try {
      return await reader.readingList.count({ platform: 'slack', space: 'T1', user: 'U1' });
    } finally {
      await reader.close();
    }
  };

  it('every card has one overflow menu with Save, Cite, More like this, Like and Not interested', async () => {
    await slash('/paper', 'sycophancy', 'r1');
    const menus = menusOf(await answerTo('r1'));
    expect(menus.length).toBeGreaterThan(0);
    for (const menu of menus) {
      expect(menu.options.map((o) => o.text.text)).toEqual([
        'Save',
        'Cite (BibTeX)',
        'More like this',
        'Like',
        'Not interested',
      ]);
      // Five: the most an overflow menu holds.
      expect(menu.options.length).toBeLessThanOrEqual(5);
      expect(menu.action_id.length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
    }
  });

  it('Save clicked twice stores the paper once, answering only the person; /saved lists it; Remove removes it', async () => {
    await slash('/paper', 'sycophancy', 's0');
    const [menu] = menusOf(await answerTo('s0'));
    await choose(menu as Overflow, option(menu, /^Save$/), 's1');
    const saved = await answerTo('s1');
    expect(saved?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(saved?.body.blocks)).toContain('Saved “Towards Understanding Sycophancy');
    await choose(menu as Overflow, option(menu, /^Save$/), 's2');
    expect(JSON.stringify((await answerTo('s2'))?.body.blocks)).toContain('already in your reading list');
    expect(await savedCount()).toBe(1);

    await slash('/saved', '', 's3');
    const list = await answerTo('s3');
    expect(list?.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(list?.body.blocks)).toContain('Towards Understanding Sycophancy in Language Models');
    expect(JSON.stringify(list?.body.blocks)).not.toContain('pb_share');
    const [listMenu] = menusOf(list);
    const remove = option(listMenu, /^Remove/);
    expect(remove?.value).toMatch(/^rm:\d+:1$/);
    await choose(listMenu as Overflow, remove, 's4');
    const after = await answerTo('s4');
    expect(after?.body.replace_original).toBe(true);
    expect(JSON.stringify(after?.body.blocks)).toContain('Your reading list is empty');
    expect(await savedCount()).toBe(0);
  });

  it('Like and Not interested from a card menu are signals; Not interested takes the paper out of /foryou', async () => {
    await slash('/foryou', '', 'f0');
    const first = await answerTo('f0');
    expect(first?.body.response_type).toBe('ephemeral');
    const [menu] = menusOf(first);
    const dismiss = option(menu, /^Not interested$/);
    const paperId = Number(dismiss?.value.replace('ni:', ''));
    expect(JSON.stringify(first?.body.blocks)).toContain(`id ${paperId}`);
    await choose(menu as Overflow, dismiss, 'f1');
    const answered = await answerTo('f1');
    expect(answered?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(answered?.body.blocks)).toContain('Not interested in');
    await slash('/foryou', '', 'f2');
    const again = await answerTo('f2');
    expect(JSON.stringify(again?.body.blocks)).not.toContain(`id ${paperId}`);
    expect(menusOf(again).map((m) => option(m, /^Not interested$/)?.value)).not.toContain(`ni:${paperId}`);

    await slash('/paper', 'sycophancy', 'f20');
    const [other] = menusOf(await answerTo('f20'));
    await choose(other as Overflow, option(other, /^Like$/), 'f3');
    expect(JSON.stringify((await answerTo('f3'))?.body.blocks)).toContain('Liked');
    const reader = createSqliteStore(join(dir, 'p.db'), { readonly: true });
    try {
      const taste = createSqliteTaste(reader.db);
      const mine = await taste.signals({ kind: 'user', platform: 'slack', space: 'T1', id: 'U1' });
      // (An earlier test's Remove is there too: a Remove from the reading list is a negative signal.)
      expect(mine.map((x) => x.source)).toEqual(expect.arrayContaining(['dismiss', 'like']));
      // Given in channel C1, so the channel learns from it too; the person's saves never reach it.
      const channel = await taste.signals({ kind: 'channel', platform: 'slack', space: 'T1', id: 'C1' });
      expect(channel.map((x) => [x.source, x.actor]).sort()).toEqual([
        ['dismiss', 'U1'],
        ['like', 'U1'],
      ]);
    } finally {
      await reader.close();
    }
  });

  it('/saved export uploads a BibTeX file to the person’s DM through the external upload flow', async () => {
    await slash('/paper', 'sycophancy', 'e0');
    const sycophancy = option(menusOf(await answerTo('e0'))[0], /^Save$/)?.value.replace('sv:', '');
    await slash('/save', sycophancy ?? '', 'e00');
    expect(JSON.stringify((await answerTo('e00'))?.body.blocks)).toContain('Saved “Towards Understanding Sycophancy');
    await slash('/paper', 'toy models superposition', 'e1');
    const [menu] = menusOf(await answerTo('e1'));
    await choose(menu as Overflow, option(menu, /^Save$/), 'e2');
    await answerTo('e2');
    await slash('/saved', 'export', 'e3');
    const answer = await answerTo('e3');
    expect(answer?.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer?.body.blocks)).toContain('reading-list.bib is in your direct messages');
    const [asked] = slack.callsTo('files.getUploadURLExternal');
    expect(asked?.body.filename).toBe('reading-list.bib');
    const [completed] = slack.callsTo('files.completeUploadExternal');
    expect(completed?.body.channel_id).toBe('DU1');
    const [file] = (completed?.body.files ?? []) as { id: string }[];
    const bib = slack.uploaded(file?.id ?? '') ?? '';
    expect(Number(asked?.body.length)).toBe(Buffer.byteLength(bib));
    const parsed = parse(bib, { sentenceCase: false });
    expect(parsed.errors).toEqual([]);
    expect(parsed.entries.map((e) => e.fields.title)).toContain('Toy Models of Superposition');
    expect(parsed.entries).toHaveLength(2);
  });

  it('Cite and /cite answer with BibTeX only the person sees', async () => {
    await slash('/paper', 'sycophancy', 'c0');
    const [menu] = menusOf(await answerTo('c0'));
    await choose(menu as Overflow, option(menu, /^Cite/), 'c1');
    const cited = await answerTo('c1');
    expect(cited?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const text = ((cited?.body.blocks ?? []) as Block[]).map((b) => b.text?.text ?? '').join('\n');
    const bib = /```([\s\S]*)```/.exec(text)?.[1] ?? '';
    expect(parse(bib, { sentenceCase: false }).entries[0]?.fields.title).toBe(
      'Towards Understanding Sycophancy in Language Models',
    );
    await slash('/cite', '424242', 'c2');
    expect(JSON.stringify((await answerTo('c2'))?.body.blocks)).toContain('No paper has id 424242');
  });
});

describe('Slack digest cards', () => {
  it('a 40-paper digest message keeps one block a paper, each with the Save/Cite/More menu', () => {
    const cards: PaperCard[] = Array.from({ length: 80 }, (_, i) => ({
      id: i + 1,
      title: `Paper ${i}`,
      url: `https://arxiv.org/abs/2401.${String(i).padStart(5, '0')}`,
      authors: ['A B'],
      authorsTruncated: false,
      affiliations: [],
      date: '2024-01-01',
      category: 'CL',
      hasCode: false,
      codeUrl: null,
      snippet: [],
      profiles: [],
      moreLikeThis: { type: 'more', paperId: i + 1, page: 1 },
    }));
    const chunks = digestChunks(cards);
    expect(chunks.map((c) => c.length)).toEqual([40, 40]);
    for (const block of chunks.flat()) {
      const menu = (block as Block).accessory;
      expect(menu?.options.map((o) => o.value)).toEqual([
        expect.stringMatching(/^sv:\d+$/),
        expect.stringMatching(/^ci:\d+$/),
        expect.stringMatching(/^mo:\d+:1$/),
        expect.stringMatching(/^lk:\d+$/),
        expect.stringMatching(/^ni:\d+$/),
      ]);
    }
    expect(chunks[0]?.length).toBeLessThan(SLACK_LIMITS.blocks);
  });
});
