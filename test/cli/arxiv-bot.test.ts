import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { FAKE_PAPERS, type FakePaper } from '../fakes/arxiv-formats.ts';
import { type FakeArxiv, startFakeArxiv } from '../fakes/fake-arxiv.ts';
import { captureStream } from '../helpers/capture.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

let arxiv: FakeArxiv;
beforeEach(async () => {
  arxiv = await startFakeArxiv();
});
afterEach(() => arxiv.stop());
const tempDir = useTempDir();

/** A database and an empty profiles folder, so only arXiv's papers are in it. */
function setup() {
  const dir = tempDir();
  const profiles = join(dir, 'profiles');
  mkdirSync(profiles);
  return { db: join(dir, 'p.db'), profiles };
}

/** `paperboy start` in the terminal with a stdin the test writes to; `stop()` ends the input and the chat. */
function startBot(argv: string[], env: NodeJS.ProcessEnv, now: Date) {
  const stdin = new PassThrough();
  const stdout = captureStream();
  const stderr = captureStream();
  const exit = runCli(['start', ...argv], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin,
    env,
    clock: () => now,
  });
  return {
    stdout: stdout.text,
    stderr: stderr.text,
    say: (line: string) => stdin.write(`${line}\n`),
    async stop() {
      stdin.end();
      return exit;
    },
  };
}

type DigestJson = { digests: { subscription: number; status: string; papers: { arxivId: string; title: string }[] }[] };
const digestRun = async (db: string, now: string) => {
  const run = await runPaperboy(['digest', 'run', '--now', now, '--db', db, '--json']);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as DigestJson).digests;
};

describe('arXiv papers in digests and in a running bot', () => {
  it('new and cross papers reach the next digest once; a v2 announced the next day as replace updates the card and reaches none', async () => {
    const { db, profiles } = await setup();
    const now = new Date('2026-11-27T12:00:00Z');
    const chat = await runPaperboy(['start', '--db', db, '--profiles', profiles], {
      stdin: '/digest subscribe at 09:00 tz UTC\n/digest subscribe cat:LG at 09:00 tz UTC\n',
      now,
    });
    expect(chat.stdout).toMatch(/Subscribed: #2/);

    const day1 = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--db', db, '--json'], {
      env: arxiv.env,
      now,
    });
    expect(JSON.parse(day1.stdout)).toMatchObject({ new: 2, cross: 1, replaced: 2, newPapers: 3 });
    const first = await digestRun(db, '2026-11-28T09:00:00Z');
    const all = first.find((d) => d.subscription === 1);
    expect(all?.papers.map((p) => p.arxivId).sort()).toEqual(['2611.10001', '2611.10002', '2611.10003']);
    // The cross-listed paper (primary cs.LG) reaches the digest whose query matches its category.
    expect(first.find((d) => d.subscription === 2)?.papers.map((p) => p.arxivId)).toEqual(['2611.10003']);

    // The next day: v2 of the first paper, retitled, announced as a replacement.
    const v2: FakePaper = {
      ...(FAKE_PAPERS[0] as FakePaper),
      version: 2,
      title: 'Turn-Taking Revisited in Spoken Dialogue Agents',
      announceType: 'replace',
    };
    arxiv.serveListing({ kind: 'papers', updated: '2026-11-28T05:00:03.000001+00:00', papers: [v2] });
    const day2 = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--db', db, '--json'], {
      env: arxiv.env,
      now: new Date('2026-11-28T12:00:00Z'),
    });
    expect(JSON.parse(day2.stdout)).toMatchObject({ entries: 1, replaced: 1, newPapers: 0, quiet: false });
    const second = await digestRun(db, '2026-11-29T09:00:00Z');
    expect(second.flatMap((d) => d.papers)).toEqual([]);
    const search = await runPaperboy(['search', 'revisited', '--db', db, '--json']);
    expect(JSON.parse(search.stdout).results).toMatchObject([
      { arxivId: '2611.10001', title: v2.title, url: 'https://arxiv.org/abs/2611.10001' },
    ]);
  }, 60_000);

  it('a sync while the bot runs makes its papers searchable there without a restart', async () => {
    const { db, profiles } = await setup();
    const now = new Date('2026-11-27T12:00:00Z');
    const bot = startBot(['--db', db, '--profiles', profiles], {}, now);
    try {
      // Piped, the chat answers each line without a greeting: the first answer says the bot is up.
      bot.say('/paper spoken dialogue');
      await waitFor(() => bot.stdout().length > 0, 15_000);
      expect(bot.stdout()).not.toContain('Turn-Taking');
      const sync = await runPaperboy(['arxiv', 'sync', '--categories', 'cs.CL', '--db', db], { env: arxiv.env, now });
      expect(sync.code).toBe(0);
      bot.say('/paper spoken dialogue');
      await waitFor(() => bot.stdout().includes('Turn-Taking in Spoken Dialogue Agents'), 15_000);
    } finally {
      expect(await bot.stop()).toBe(0);
    }
  }, 60_000);

  it('R7: with arXiv silent, the digests due at start go out after at most 10 s of waiting and the chat opens', async () => {
    const { db, profiles } = await setup();
    const subscribed = await runPaperboy(['start', '--db', db, '--profiles', profiles], {
      stdin: '/digest subscribe at 09:00 tz UTC empty\n',
      now: new Date('2026-11-27T06:00:00Z'),
    });
    expect(subscribed.stdout).toMatch(/Subscribed: #1/);
    arxiv.serveListing({ kind: 'silent' });
    const started = Date.now();
    // 04:05 in New York: the sync wants the day's listing; the 09:00 UTC digest is due.
    const bot = startBot(
      ['--db', db, '--profiles', profiles],
      { ...arxiv.env, PAPERBOY_ARXIV_CATEGORIES: 'cs.CL' },
      new Date('2026-11-27T09:05:00Z'),
    );
    try {
      await waitFor(() => bot.stdout().includes('No new papers'), 30_000);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(10_000);
      // Before: four tries of 30 s and the back-off between them, about 155 s.
      expect(waited).toBeLessThan(20_000);
      expect(bot.stderr()).toMatch(/arxiv_sync_slow: arXiv has not answered within 10 s/);
      bot.say('/digest list');
      await waitFor(() => bot.stdout().includes('Digests here'), 5_000);
      expect(arxiv.requests.map((r) => r.path)).toEqual(['/atom/cs.CL']);
    } finally {
      // Stopping aborts the fetch still waiting for arXiv: the bot exits at once, cleanly.
      const stopping = Date.now();
      expect(await bot.stop()).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(5_000);
    }
  }, 60_000);

  it('with PAPERBOY_ARXIV_CATEGORIES, start syncs the day’s listing after 00:30 New York time, once', async () => {
    const { db, profiles } = await setup();
    // 01:00 in New York on the listing's day.
    const now = new Date('2026-11-27T06:00:00Z');
    const bot = startBot(
      ['--db', db, '--profiles', profiles],
      { ...arxiv.env, PAPERBOY_ARXIV_CATEGORIES: 'cs.CL' },
      now,
    );
    try {
      bot.say('/paper spoken dialogue');
      await waitFor(() => bot.stdout().includes('Turn-Taking in Spoken Dialogue Agents'), 20_000);
      expect(bot.stderr()).toMatch(/paperboy arxiv: .*5 entries, 3 papers new to the index/);
      expect(arxiv.requests.map((r) => r.path)).toEqual(['/atom/cs.CL']);
    } finally {
      expect(await bot.stop()).toBe(0);
    }
  }, 60_000);
});
