import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteDigests } from '../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.ts';
import { dailySubscription, paperInput } from '../helpers/digest-fixture.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// Long enough for the next command to start on a loaded machine while the lease still lasts.
const LEASE_MS = 15_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a digest process killed after posting its summary, before the ledger update', () => {
  const tempDir = useTempDir();
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.stop();
  });

  /** A database with one Slack subscription and two new papers, and the environment of a runner posting to it. */
  async function setup() {
    slack = await startFakeSlack();
    const db = join(tempDir(), 'p.db');
    const store = createSqliteStore(db);
    await createSqliteDigests(store.db).addSubscription(dailySubscription(), new Date('2026-11-28T12:00:00Z'));
    await store.savePapers([paperInput(1), paperInput(2)], new Date('2026-11-28T13:00:00Z'));
    await store.close();
    const env = {
      ...process.env,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: '',
      // Leases are timed by the database's clock (on SQLite, this machine's): a short one lets the test wait
      // for a dead runner's lease to run out.
      PAPERBOY_DIGEST_LEASE_MS: String(LEASE_MS),
    };
    return { db, env, slack };
  }

  /** Starts `digest run` in a process and kills it once its summary is in the channel, before Slack answers. */
  async function killedAfterSummary(slack: FakeSlack, args: string[], env: NodeJS.ProcessEnv) {
    const posted = slack.holdNextPost();
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'paperboy.js'), ...args], {
      env,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await posted;
    // The summary is in the channel; the process dies before it hears back, so the ledger still says "sending".
    child.kill('SIGKILL');
    await exited;
    return Date.now();
  }

  it('H1 is left alone while the dead runner’s lease lasts, then not posted again: only its thread is completed', {
    timeout: 90_000,
  }, async () => {
    const { db, env, slack } = await setup();
    const args = ['digest', 'run', '--now', '2026-11-29T09:00:00Z', '--db', db];
    const killed = await killedAfterSummary(slack, args, env);
    expect(slack.history('C1')).toHaveLength(1);

    // Its lease has not run out yet: a runner started now leaves the digest alone (it may still be posting).
    const early = await runPaperboy([...args, '--json'], { env });
    expect(JSON.parse(early.stdout).digests).toMatchObject([{ subscription: 1, status: 'busy' }]);
    expect(slack.history('C1')).toHaveLength(1);
    // Later, the dead runner's lease has run out.
    await pause(killed + LEASE_MS + 500 - Date.now());
    const restart = await runPaperboy([...args, '--json'], { env });
    expect(JSON.parse(restart.stdout).digests).toMatchObject([{ subscription: 1, status: 'recovered' }]);
    expect(restart.stderr).toMatch(/already posted before a restart; not posting it again/);
    // One summary, and its thread of papers completed by the restart.
    expect(slack.history('C1').filter((m) => m.thread_ts === undefined)).toHaveLength(1);
    expect(slack.history('C1').filter((m) => m.thread_ts !== undefined)).toHaveLength(1);
    const again = await runPaperboy([...args, '--json'], { env });
    expect(JSON.parse(again.stdout).digests).toEqual([]);
  });

  it('H2 is completed by the next day’s run, whose digest carries only the papers new since', {
    timeout: 90_000,
  }, async () => {
    const { db, env, slack } = await setup();
    const killed = await killedAfterSummary(slack, ['digest', 'run', '--now', '2026-11-29T09:00:00Z', '--db', db], env);
    const store = createSqliteStore(db);
    await store.savePapers([paperInput(3)], new Date('2026-11-29T13:00:00Z'));
    await store.close();

    const nextDay = ['digest', 'run', '--now', '2026-11-30T09:00:00Z', '--db', db, '--json'];
    await pause(killed + LEASE_MS + 500 - Date.now());
    const run = await runPaperboy(nextDay, { env });
    expect(
      JSON.parse(run.stdout).digests.map((d: { status: string; papers: { id: number }[] }) => [
        d.status,
        d.papers.map((p) => p.id),
      ]),
    ).toEqual([
      ['recovered', [1, 2]],
      ['sent', [3]],
    ]);
    const top = slack.history('C1').filter((m) => m.thread_ts === undefined);
    const replies = slack.history('C1').filter((m) => m.thread_ts !== undefined);
    expect(top).toHaveLength(2);
    // Each paper once: papers 1 and 2 in the first digest's thread, paper 3 in the second's.
    const threadText = replies.map((m) => JSON.stringify(m.blocks)).join('\n');
    for (const n of [1, 2, 3]) expect(threadText.split(`Digest paper ${n} about`)).toHaveLength(2);
    const check = createSqliteStore(db);
    expect(check.db.prepare(`SELECT status FROM digest_runs ORDER BY due_at`).pluck().all()).toEqual(['sent', 'sent']);
    await check.close();
  });
});
