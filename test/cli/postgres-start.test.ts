import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { startFakeSlack } from '../fakes/fake-slack.ts';
import { writeFakePages } from '../helpers/make-pages.ts';
import { startPaperboyProcess } from '../helpers/paperboy-process.ts';
import { createTestDatabase, testPostgres } from '../helpers/pg.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { waitForAsync } from '../helpers/wait-for.ts';

const pg = testPostgres();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RUNS = /this instance runs the profile-folder watcher/;
const WAITS = /another instance runs the profile-folder watcher/;

describe.skipIf(pg.skip)('paperboy start on PostgreSQL, two instances', () => {
  const tempDir = useTempDir();

  it('only one runs the profile-folder watcher; when it stops, the other takes over at its next tick', {
    timeout: 120_000,
  }, async () => {
    const slack = await startFakeSlack();
    cleanups.push(slack.stop);
    const made = await createTestDatabase(pg.url);
    cleanups.push(made.drop);
    const dir = tempDir();
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    copyFileSync(join(PROJECT_ROOT, 'data', 'profiles', 'zac-hatfield-dodds.txt'), join(profiles, 'zac.txt'));
    const instance = (name: string) => {
      const started = startPaperboyProcess(['start', '--profiles', profiles], {
        DATABASE_URL: made.url,
        PAPERBOY_SEARCH_CACHE: join(dir, `${name}-cache.sqlite`),
        SLACK_BOT_TOKEN: 'xoxb-pg-instances',
        SLACK_SIGNING_SECRET: 'pg-instances-secret',
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        PAPERBOY_ARXIV_LOOKUP: 'off',
        PAPERBOY_TICK_SECONDS: '2',
      });
      cleanups.push(started.kill);
      return started;
    };
    const a = instance('a');
    await a.ready(/HTTP mode on port/);
    await a.ready(RUNS);
    const b = instance('b');
    await b.ready(/HTTP mode on port/);
    await b.ready(WAITS);
    // A few ticks later still one runner: B never took the lock while A held it.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(b.log()).not.toMatch(RUNS);
    expect(a.log()).not.toMatch(WAITS);

    expect(await a.stop()).toBe(0);
    await b.ready(RUNS, 30_000);
    // B now loads what appears in the folder.
    writeFakePages(profiles, 1, 3);
    const env = { DATABASE_URL: made.url, PAPERBOY_SEARCH_CACHE: join(dir, 'reader-cache.sqlite') };
    await waitForAsync(async () => {
      const run = await runPaperboy(['author', 'Person', '0', '--json'], { env });
      return run.code === 0 || undefined;
    }, 30_000);
    expect(await b.stop()).toBe(0);
  });
});
