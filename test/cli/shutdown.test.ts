import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteDigests } from '../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.ts';
import { dailySubscription, paperInput } from '../helpers/digest-fixture.ts';
import { writeFakePages } from '../helpers/make-pages.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');

interface Run {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** The real binary in its own process, as a supervisor runs it. */
function paperboy(args: string[], env: NodeJS.ProcessEnv, stdin: 'ignore' | 'pipe' = 'ignore'): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdout?.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exit, stderr: () => stderr };
}

const HHMM = (date: Date) => date.toISOString().slice(11, 16);

/**
 * A database with two Slack digests due a few minutes ago (channels C1 and C2, in that order) and three new
 * papers, and the environment of a bot serving Slack over HTTP against a fake Slack that answers posts slowly.
 */
async function dueDigests(dir: string) {
  const slack = await startFakeSlack();
  const db = join(dir, 'p.db');
  const now = new Date();
  const due = new Date(now.getTime() - 5 * 60_000);
  const store = createSqliteStore(db);
  const digests = createSqliteDigests(store.db);
  const yesterday = new Date(now.getTime() - 26 * 3600_000);
  await digests.addSubscription(dailySubscription({ channel: 'C1', time: HHMM(due) }), yesterday);
  await digests.addSubscription(dailySubscription({ channel: 'C2', time: HHMM(due) }), yesterday);
  await store.savePapers([paperInput(1), paperInput(2), paperInput(3)], new Date(yesterday.getTime() + 60_000));
  await store.close();
  mkdirSync(join(dir, 'profiles'));
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-shutdown',
    SLACK_SIGNING_SECRET: 'shutdown-secret',
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    DISCORD_TOKEN: '',
    SLACK_APP_TOKEN: '',
    PAPERBOY_PROFILES: join(dir, 'profiles'),
  };
  return { slack, db, env };
}

const summaries = (slack: FakeSlack, channel: string) =>
  slack.history(channel).filter((m) => m.thread_ts === undefined);
const ledger = (db: string) => {
  const raw = new Database(db, { readonly: true });
  const rows = raw
    .prepare(
      'SELECT s.channel, r.status FROM digest_runs r JOIN subscriptions s ON s.id = r.subscription_id ORDER BY s.id',
    )
    .all();
  raw.close();
  return rows;
};

describe('stopping on SIGTERM and SIGINT', () => {
  const tempDir = useTempDir();
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.stop();
    slack = undefined;
  });

  it('start, SIGTERM in the middle of a digest: the digest in flight finishes and is recorded, no other starts, exit 0; a restart sends the rest, each once', async () => {
    const setup = await dueDigests(tempDir());
    slack = setup.slack;
    setup.slack.slowPosts(1500);
    const bot = paperboy(['start', '--db', setup.db], setup.env);
    // The first summary has reached Slack, which takes its time to answer.
    await waitFor(() => setup.slack.callsTo('chat.postMessage').length > 0, 30_000);
    bot.child.kill('SIGTERM');
    const { code } = await bot.exit;
    expect(code, bot.stderr()).toBe(0);
    expect(summaries(setup.slack, 'C1')).toHaveLength(1);
    expect(summaries(setup.slack, 'C2')).toHaveLength(0);
    expect(ledger(setup.db)).toEqual([{ channel: 'C1', status: 'sent' }]);
    expect(bot.stderr()).toMatch(/stopping/);

    setup.slack.slowPosts(0);
    const rerun = await runPaperboy(['digest', 'run', '--db', setup.db, '--json'], { env: setup.env });
    expect(JSON.parse(rerun.stdout).digests).toMatchObject([{ channel: 'C2', status: 'sent' }]);
    expect(summaries(setup.slack, 'C1')).toHaveLength(1);
    expect(summaries(setup.slack, 'C2')).toHaveLength(1);
    expect(ledger(setup.db)).toEqual([
      { channel: 'C1', status: 'sent' },
      { channel: 'C2', status: 'sent' },
    ]);
  });

  it('digest run, SIGINT during the first post: that digest is recorded, exit 130', async () => {
    const setup = await dueDigests(tempDir());
    slack = setup.slack;
    setup.slack.slowPosts(1500);
    const run = paperboy(['digest', 'run', '--db', setup.db], setup.env);
    await waitFor(() => setup.slack.callsTo('chat.postMessage').length > 0, 30_000);
    run.child.kill('SIGINT');
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(130);
    expect(ledger(setup.db)).toEqual([{ channel: 'C1', status: 'sent' }]);
    expect(summaries(setup.slack, 'C2')).toHaveLength(0);
    expect(run.stderr()).toMatch(/stopped by SIGINT/);
  });

  it('ingest, SIGTERM while a corpus file is in flight: the pages before it are committed, exit 143, the database is sound, a rerun loads the rest', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pages'));
    writeFakePages(join(dir, 'pages'), 40, 4);
    const RECORDS = 25_000;
    const lines = Array.from({ length: RECORDS }, (_, i) =>
      JSON.stringify({
        title: `Shutdown record ${i} on graceful stops`,
        authors: ['S. Top'],
        date: '2025-01-01',
        category: 'cs.DC',
      }),
    );
    writeFileSync(join(dir, 'corpus.jsonl'), `${lines.join('\n')}\n`);
    const db = join(dir, 'p.db');
    const run = paperboy(['ingest', join(dir, 'pages'), join(dir, 'corpus.jsonl'), '--db', db], {});
    const count = (table: string) => {
      try {
        const raw = new Database(db, { readonly: true, fileMustExist: true });
        const n = (raw.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
        raw.close();
        return n;
      } catch {
        return 0;
      }
    };
    // The pages are committed before the corpus file starts: stop while it streams.
    await waitFor(() => count('profiles') > 0, 30_000);
    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(143);
    expect(count('profiles')).toBe(40);
    const raw = new Database(db, { readonly: true });
    expect(raw.pragma('quick_check', { simple: true })).toBe('ok');
    raw.close();
    const rest = await runPaperboy(['ingest', join(dir, 'pages'), join(dir, 'corpus.jsonl'), '--db', db, '--json']);
    expect(rest.code).toBe(0);
    expect(count('profiles')).toBe(40);
    expect(count('papers')).toBeGreaterThanOrEqual(RECORDS);
  }, 60_000);

  it('the terminal chat waiting for input ends on SIGTERM with exit 0', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'profiles'));
    const chat = paperboy(
      ['start', '--db', join(dir, 'p.db')],
      { PAPERBOY_PROFILES: join(dir, 'profiles'), DISCORD_TOKEN: '', SLACK_BOT_TOKEN: '' },
      'pipe',
    );
    let out = '';
    chat.child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    chat.child.stdin?.write('/help\n');
    await waitFor(() => out.length > 0, 30_000);
    chat.child.kill('SIGTERM');
    expect((await chat.exit).code).toBe(0);
  });

  it('start, SIGTERM while Slack is still starting (its API unreachable, auth.test retrying): exit 0 at once, not after the grace period', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'profiles'));
    const bot = paperboy(['start', '--db', join(dir, 'p.db'), '--profiles', join(dir, 'profiles')], {
      SLACK_BOT_TOKEN: 'xoxb-unreachable',
      SLACK_SIGNING_SECRET: 'secret',
      // Nothing listens on port 9 (discard) of 127.0.0.1: every Slack call fails and Bolt keeps retrying.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      PORT: '0',
      LOG_FORMAT: 'json',
    });
    await waitFor(() => bot.stderr().includes('http request failed'), 30_000);
    const sent = Date.now();
    bot.child.kill('SIGTERM');
    expect((await bot.exit).code).toBe(0);
    // The grace period is 10 s: an exit well before it means start did not wait out Bolt's retries.
    expect(Date.now() - sent).toBeLessThan(8_000);
    expect(bot.stderr()).not.toContain('still busy');
  });
});
