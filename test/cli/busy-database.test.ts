import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createBotTick } from '../../src/cli/bot-tick.ts';
import type { IngestSummary } from '../../src/core/ingest/ingest-summary.ts';
import { createProfileWatcher } from '../../src/core/ingest/profile-watcher.ts';
import { renderProfile } from '../../src/core/profile/render-profile.ts';
import { BOT_BUSY_TIMEOUT_MS } from '../../src/core/store/busy.ts';
import { chatWithDigests } from '../helpers/digest-fixture.ts';
import { fakePaper, fakeProfile } from '../helpers/make-pages.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { holdWriteLock, watchEventLoop } from '../helpers/write-lock.ts';

const writePage = (folder: string, name: string, first: number) =>
  writeFileSync(
    join(folder, `${name.toLowerCase().replace(/\s+/g, '-')}.txt`),
    renderProfile(fakeProfile(name, [fakePaper(first), fakePaper(first + 1)])),
  );

/** The bot's store (short per-call busy timeout), its watcher, and the tick `start` runs every minute. */
function botOn(db: string, folder: string) {
  const store = createSqliteStore(db, { busyTimeoutMs: BOT_BUSY_TIMEOUT_MS });
  const log: string[] = [];
  const reports: (IngestSummary | undefined)[] = [];
  let digestRuns = 0;
  const bot = createBotTick({
    watcher: createProfileWatcher(store, folder),
    runDigests: async () => {
      digestRuns++;
    },
    clock: () => new Date('2026-11-28T12:00:00Z'),
    report: (summary) => reports.push(summary),
    log: (line) => log.push(line),
  });
  return { store, bot, log, reports, digestRuns: () => digestRuns };
}

describe('a database locked by another process', () => {
  const tempDir = useTempDir();

  it('H3 `start` waits out an 11 s write lock without stalling the event loop, then stores the new page', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const profiles = join(dir, 'profiles');
    await createSqliteStore(db).close();
    mkdirSync(profiles);
    writePage(profiles, 'Locked Person', 1);

    // Longer than the old 10 s busy timeout, in which `start` used to wait blocked and then exit with
    // "SqliteError: database is locked".
    // `start` imports its modules (the platform SDKs) when it runs: load them before watching the loop,
    // which is about the lock, not about loading code.
    await import('../../src/cli/start-command.ts');
    const lock = await holdWriteLock(db, 11_000);
    const loop = watchEventLoop();
    const run = runPaperboy(['start', '--db', db, '--profiles', profiles], {
      stdin: '/author Locked Person\n/digest subscribe look at transformers\n',
    });
    await lock.released;
    const { longestPauseMs, beats } = loop.stop();
    const result = await run;

    expect(result.stderr).not.toMatch(/SqliteError|failed unexpectedly/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Locked Person');
    expect(result.stdout).toMatch(/papers: 2 \(/);
    expect(result.stdout).toContain('Subscribed: #1 “look at transformers”');
    // The event loop kept running while the bot waited: no pause near the lock's 11 s (generous bound).
    expect(beats).toBeGreaterThan(50);
    expect(longestPauseMs).toBeLessThan(2500);
  }, 40_000);

  it('H3 the tick stores a page only once it can: a page is not seen before it is stored, and the loop runs on', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    writePage(dir, 'Early Person', 1);
    const first = botOn(db, dir);
    await first.bot.tick(1000);
    await first.store.close();

    // A restarted bot over an unchanged folder needs no write lock: it is done while the lock is still held.
    const lock = await holdWriteLock(db, 8000);
    const bot = botOn(db, dir);
    await bot.bot.loadPages(30_000);
    expect(lock.held()).toBe(true);
    expect(bot.reports.at(-1)?.totals).toMatchObject({ profiles: 1, newPapers: 0 });

    // A new page while the lock is held: a tick that may wait only briefly leaves it for the next tick…
    writePage(dir, 'Late Person', 10);
    await bot.bot.tick(300);
    expect(lock.held()).toBe(true);
    expect(await bot.store.findProfile('Late Person')).toBeUndefined();
    expect(bot.log.join('\n')).toMatch(/database_busy: new or changed profile pages load at the next tick/);

    // …and the next tick waits for the lock on a timer, then stores it (it was not marked seen).
    const loop = watchEventLoop();
    await bot.bot.tick(30_000);
    const { longestPauseMs } = loop.stop();
    // (The holder commits, then exits: it may still be alive here on a loaded machine, so its exit is awaited.)
    await lock.released;
    expect((await bot.store.findProfile('Late Person'))?.papers).toBe(2);
    expect(bot.digestRuns()).toBe(2);
    expect(longestPauseMs).toBeLessThan(1500);
    await bot.store.close();
  }, 30_000);

  it('H3 chat during another process’s write lock: a long search answers, /digest subscribe says the database is busy, and works after', async () => {
    const db = join(tempDir(), 'p.db');
    const store = createSqliteStore(db, { busyTimeoutMs: BOT_BUSY_TIMEOUT_MS });
    const { chat, digests } = await chatWithDigests(store, () => new Date('2026-11-28T12:00:00Z'));
    const lock = await holdWriteLock(db, 6000);
    // A long query is saved for its buttons: a search still answers while the write waits.
    const long = '/paper a rather long query about language models that keeps going past sixty characters';
    expect(await chat.handle(long)).toMatchObject({ kind: 'papers' });
    expect(await chat.handle('/digest subscribe sycophancy')).toMatchObject({
      kind: 'error',
      code: 'database_busy',
      message: expect.stringMatching(/another process is writing.*try again/),
    });
    expect(lock.held()).toBe(true);
    await lock.released;
    expect(await chat.handle('/digest subscribe sycophancy')).toMatchObject({ kind: 'notice' });
    expect(await digests.listSubscriptions()).toHaveLength(1);
    await store.close();
  }, 20_000);
});
