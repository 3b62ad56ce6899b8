import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { renderProfile } from '../../src/core/profile/render-profile.ts';
import { paperInput } from '../helpers/digest-fixture.ts';
import { fakePaper, fakeProfile } from '../helpers/make-pages.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('digests from the terminal', () => {
  const tempDir = useTempDir();

  it('subscribes in the chat, then `digest run` at the next 09:00 prints the new paper once', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const now = new Date('2026-11-28T12:00:00Z');
    const chat = await runPaperboy(['start', '--db', db], {
      stdin: '/digest subscribe sycophancy at 09:00 tz Europe/Berlin\n',
      now,
    });
    expect(chat.stdout).toMatch(
      /Subscribed: #1 “sycophancy” · daily at 09:00 Europe\/Berlin · next 2026-11-29 08:00 UTC/,
    );

    const page = join(dir, 'new.txt');
    writeFileSync(
      page,
      renderProfile(fakeProfile('New Person', [fakePaper(1, { title: 'Sycophancy in tiny models' }), fakePaper(2)])),
    );
    expect((await runPaperboy(['ingest', page, '--db', db], { now })).code).toBe(0);

    const early = await runPaperboy(['digest', 'run', '--now', '2026-11-29T08:59:00+01:00', '--db', db]);
    expect(early.stdout).toBe('');
    const due = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:00:00+01:00', '--db', db]);
    expect(due.code).toBe(0);
    expect(due.stdout).toContain('Digest #1: 1 new paper on “sycophancy”');
    expect(due.stdout).toContain('1. Sycophancy in tiny models');
    expect(due.stdout).not.toContain(fakePaper(2).title);
    const again = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:05:00+01:00', '--db', db, '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ digests: [] });
  });

  it('a weekly subscription made in the chat is listed with its rhythm and `digest run` sends it on its day only', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const now = new Date('2026-11-28T12:00:00Z'); // a Saturday
    const chat = await runPaperboy(['start', '--db', db], {
      stdin: '/digest subscribe weekly mon at 09:00 tz Europe/Berlin\n/digest subscribe robots weekly\n/digest list\n',
      now,
    });
    expect(chat.stdout).toMatch(
      /Subscribed: #1 all new papers · weekly on Monday at 09:00 Europe\/Berlin · next 2026-11-30 08:00 UTC/,
    );
    expect(chat.stdout).toMatch(/"weekly" needs a day after it/);
    expect(chat.stdout).toMatch(/Digests here:\s+#1 all new papers · weekly on Monday at 09:00 Europe\/Berlin/);
    const page = join(dir, 'new.txt');
    writeFileSync(page, renderProfile(fakeProfile('New Person', [fakePaper(1)])));
    await runPaperboy(['ingest', page, '--db', db], { now });
    const run = async (iso: string) =>
      JSON.parse((await runPaperboy(['digest', 'run', '--now', iso, '--db', db, '--json'])).stdout).digests;
    expect(await run('2026-11-29T09:00:00+01:00')).toEqual([]); // Sunday
    expect((await run('2026-11-30T09:00:00+01:00')).map((d: { status: string }) => d.status)).toEqual(['sent']);
    expect(await run('2026-12-01T09:00:00+01:00')).toEqual([]); // Tuesday
  });

  it('exits 1 and says which digests could not be sent, with the reason logged, when one fails', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const now = new Date('2026-11-28T12:00:00Z');
    await runPaperboy(['start', '--db', db], { stdin: '/digest subscribe\n/digest subscribe robots\n', now });
    // A query an older version accepted and this one no longer parses: that digest fails, the other goes out.
    const store = createSqliteStore(db);
    store.db.prepare(`UPDATE subscriptions SET query = 'colour:red' WHERE id = 2`).run();
    // A new paper, so that there is something to search for (with nothing new, no query runs).
    await store.savePapers([paperInput(1)], new Date('2026-11-28T13:00:00Z'));
    await store.close();
    const run = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:00:00Z', '--db', db, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).digests.map((d: { status: string }) => d.status)).toEqual(['sent', 'failed']);
    expect(run.stderr).toMatch(/digest 2 failed: .*colour/);
    expect(run.stderr).toMatch(/error: a due digest could not be sent \(#2\).*next "paperboy digest run" sends them/);
  });

  it('prints the --json shape, papers as search --json prints them, and rejects a bad --now', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const now = new Date('2026-11-28T12:00:00Z');
    await runPaperboy(['start', '--db', db], { stdin: '/digest subscribe\n', now });
    const page = join(dir, 'new.txt');
    writeFileSync(page, renderProfile(fakeProfile('New Person', [fakePaper(1)])));
    await runPaperboy(['ingest', page, '--db', db], { now });
    const run = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:00:00Z', '--db', db, '--json']);
    expect(JSON.parse(run.stdout)).toEqual({
      digests: [
        {
          subscription: 1,
          channel: 'terminal',
          platform: 'terminal',
          status: 'sent',
          papers: [expect.objectContaining({ id: expect.any(Number), title: fakePaper(1).title, score: null })],
        },
      ],
    });
    // One JSON shape for every command that prints papers; a digest ranks nothing, so its score is null.
    const found = await runPaperboy(['search', `"${fakePaper(1).title}"`, '--db', db, '--json']);
    const [hit] = JSON.parse(found.stdout).results;
    expect(JSON.parse(run.stdout).digests[0].papers).toEqual([{ ...hit, score: null }]);
    expect(Object.keys(hit)).toEqual([
      ...['id', 'title', 'authors', 'affiliations', 'date', 'category'],
      ...['hasCode', 'arxivId', 'doi', 'url', 'score'],
    ]);
    const bad = await runPaperboy(['digest', 'run', '--now', 'tomorrow', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--now "tomorrow" is not a time/);
  });
});
