import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgDigests } from '../../src/adapters/postgres/pg-digests.ts';
import { migratePg, PG_MIGRATIONS } from '../../src/adapters/postgres/pg-migrations.ts';
import { createPgPaperStore } from '../../src/adapters/postgres/pg-paper-store.ts';
import { createPgSession, type PgSession } from '../../src/adapters/postgres/pg-session.ts';
import { renderProfile } from '../../src/core/profile/render-profile.ts';
import { type FakeSlack, slackSignature, startFakeSlack } from '../fakes/fake-slack.ts';
import { dailySubscription, paperInput } from '../helpers/digest-fixture.ts';
import { storeKinds } from '../helpers/instance-store.ts';
import { writeLinkedRecords } from '../helpers/link-papers.ts';
import { fakePaper, fakeProfile } from '../helpers/make-pages.ts';
import { type PaperboyProcess, startPaperboyProcess } from '../helpers/paperboy-process.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { waitFor, waitForAsync } from '../helpers/wait-for.ts';

// Several `paperboy start` processes on one PostgreSQL: digests, migrations, search and the folder
// watcher. The Slack and Discord round trips on both stores are in slack-instances and discord-shards.
const postgres = storeKinds().find((k) => k.name === 'PostgreSQL');
const SECRET = 'pg-instances-signing-secret';
const READY = /Slack in HTTP mode on port (\d+)/;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(postgres?.skip !== false)('several `paperboy start` processes on one PostgreSQL', () => {
  const tempDir = useTempDir();

  /** A fake Slack, an empty database and a session on it, all stopped after the test. */
  async function setup() {
    const slack: FakeSlack = await startFakeSlack();
    cleanups.push(slack.stop);
    const dir = tempDir();
    const store = await (postgres as NonNullable<typeof postgres>).create(dir);
    cleanups.push(store.drop);
    const session = createPgSession(store.url as string, { max: 2 });
    cleanups.push(() => session.close());
    /** Instance `n` in Slack HTTP mode on a free port, watching `profiles` (an empty folder unless given). */
    const instance = (n: number, env: NodeJS.ProcessEnv = {}, profiles = join(dir, 'profiles')) => {
      mkdirSync(profiles, { recursive: true });
      const started = startPaperboyProcess(['start', ...store.args, '--profiles', profiles], {
        ...store.env(n),
        SLACK_BOT_TOKEN: 'xoxb-pg-instances',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        PAPERBOY_ARXIV_LOOKUP: 'off',
        PAPERBOY_TICK_SECONDS: '1',
        ...env,
      });
      cleanups.push(started.kill);
      return started;
    };
    const baseOf = async (p: PaperboyProcess) => `http://127.0.0.1:${(await p.ready(READY))[1]}`;
    return { slack, dir, store, session, instance, baseOf };
  }

  /** `/paper TEXT` sent to one instance as Slack sends it; the answer goes to the fake's `respond/ID`. */
  async function slashPaper(slack: FakeSlack, base: string, id: string, text: string) {
    const body = new URLSearchParams({
      command: '/paper',
      text,
      response_url: `${slack.url}/respond/${id}`,
      user_id: 'U1',
      channel_id: 'C1',
      team_id: 'T1',
      trigger_id: id,
      token: 'legacy',
      api_app_id: 'A1',
    }).toString();
    const response = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(SECRET, body) },
      body,
    });
    expect(response.status).toBe(200);
    await waitFor(() => slack.respondsTo(id).length > 0, 20_000);
    return JSON.stringify(slack.respondsTo(id).map((c) => c.body));
  }

  /** A daily digest of every new paper in Slack channel C1, due two minutes ago, and two new papers for it. */
  async function dueDigest(session: PgSession) {
    await migratePg(session.pool);
    const now = Date.now();
    const due = new Date(now - 2 * 60_000);
    const time = `${String(due.getUTCHours()).padStart(2, '0')}:${String(due.getUTCMinutes()).padStart(2, '0')}`;
    await createPgDigests(session).addSubscription(dailySubscription({ time }), new Date(now - 60 * 60_000));
    await createPgPaperStore(session).savePapers([paperInput(1), paperInput(2)], new Date(now - 30 * 60_000));
  }

  /** The digest in channel C1: its summaries (top-level messages) and how often each paper is in a thread. */
  const posted = (slack: FakeSlack) => {
    const thread = slack
      .history('C1')
      .filter((m) => m.thread_ts !== undefined)
      .map((m) => JSON.stringify(m.blocks ?? m.text))
      .join('\n');
    return {
      summaries: slack.history('C1').filter((m) => m.thread_ts === undefined).length,
      paper: (n: number) => thread.split(`Digest paper ${n} about`).length - 1,
    };
  };
  const runStatuses = async (session: PgSession) =>
    (await session.query<{ status: string }>('SELECT status FROM digest_runs ORDER BY id')).rows.map((r) => r.status);
  const errorsIn = (p: PaperboyProcess) => p.lines().filter((l) => Number(l.level) >= 50);

  it('three instances starting at once on an empty database all become ready, and the schema is migrated once', async () => {
    const { session, instance, baseOf } = await setup();
    const instances = [0, 1, 2].map((n) => instance(n));
    const bases = await Promise.all(instances.map(baseOf));
    for (const base of bases) expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const { rows } = await session.query<{ version: number }>('SELECT version FROM paperboy_schema ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
    for (const p of instances) expect(errorsIn(p)).toEqual([]);
    for (const p of instances) expect(await p.stop()).toBe(0);
  }, 120_000);

  it('a digest due when three instances start is posted once: one summary, each paper once in its thread', async () => {
    const { slack, session, instance, baseOf } = await setup();
    await dueDigest(session);
    const instances = [0, 1, 2].map((n) => instance(n));
    await Promise.all(instances.map(baseOf));
    await waitForAsync(async () => (await runStatuses(session)).join() === 'sent', 20_000);
    // Every instance has run its catch-up and a few ticks since: time for a second post, were one coming.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const digest = posted(slack);
    expect(digest.summaries).toBe(1);
    expect([digest.paper(1), digest.paper(2)]).toEqual([1, 1]);
    expect(await runStatuses(session)).toEqual(['sent']);
    for (const p of instances) expect(errorsIn(p)).toEqual([]);
    for (const p of instances) expect(await p.stop()).toBe(0);
  }, 120_000);

  it('the instance posting a digest is killed (SIGKILL) mid-post: a surviving instance completes it once its claim lapses, each message once', async () => {
    const { slack, session, instance } = await setup();
    await dueDigest(session);
    // The first post (the digest's summary) reaches the channel and is never answered: its poster hangs there.
    const held = slack.holdNextPost();
    const env = { PAPERBOY_DIGEST_LEASE_MS: '3000' };
    const instances = [0, 1, 2].map((n) => instance(n, env));
    await held;
    expect(await runStatuses(session)).toEqual(['sending']);
    // The holder is stuck in its catch-up before serving; the other two left the digest to it and serve.
    const ready = await waitFor(() => {
      const up = instances.filter((p) => READY.test(p.log()));
      return up.length === 2 && up;
    }, 60_000);
    const holder = instances.find((p) => !ready.includes(p)) as PaperboyProcess;
    for (const p of ready) expect(p.log()).toMatch(/is being sent by another runner/);
    await holder.kill();

    await waitForAsync(async () => (await runStatuses(session)).join() === 'sent', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const digest = posted(slack);
    expect(digest.summaries).toBe(1);
    expect([digest.paper(1), digest.paper(2)]).toEqual([1, 1]);
    // One survivor found the summary in the channel and posted only the rest.
    const recovered = ready.filter((p) => /already posted before a restart; not posting it again/.test(p.log()));
    expect(recovered).toHaveLength(1);
    for (const p of ready) expect(errorsIn(p)).toEqual([]);
    for (const p of ready) expect(await p.stop()).toBe(0);
  }, 120_000);

  it('an instance started after papers were ingested through another finds them, and finds a paper ingested while it runs at its next query', async () => {
    const { slack, dir, store, instance, baseOf } = await setup();
    const ingest = (file: string) => runPaperboy(['ingest', file, ...store.args], { env: store.env(9) });
    expect((await ingest(writeLinkedRecords(dir))).code).toBe(0);
    const late = instance(1);
    const base = await baseOf(late);
    expect(await slashPaper(slack, base, 'late-1', 'preference')).toContain('Debiased Preference Construction');

    const more = join(dir, 'more.jsonl');
    writeFileSync(
      more,
      `${JSON.stringify({ arxivId: '2602.00042', title: 'Ingested while it ran: quokka alignment', authors: ['Q. Uokka'], date: '2026-02-01', category: 'cs.CL', abstract: 'Quokkas.' })}\n`,
    );
    expect((await ingest(more)).code).toBe(0);
    expect(await slashPaper(slack, base, 'late-2', 'quokka alignment')).toContain(
      'Ingested while it ran: quokka alignment',
    );
    expect(await late.stop()).toBe(0);
  }, 120_000);

  it('the profile-folder watcher runs on one instance at a time: a new page is loaded once, and after the holder is killed the other loads the next', async () => {
    const { dir, session, instance, baseOf } = await setup();
    const folder = join(dir, 'watched');
    const instances = [instance(0, {}, folder), instance(1, {}, folder)];
    await Promise.all(instances.map(baseOf));
    const holds = (p: PaperboyProcess) => /this instance runs the profile-folder watcher/.test(p.log());
    const holder = await waitFor(() => {
      const holding = instances.filter(holds);
      return holding.length === 1 && holding[0];
    }, 20_000);
    const other = instances.find((p) => p !== holder) as PaperboyProcess;
    expect(other.log()).toMatch(/another instance runs the profile-folder watcher/);
    const loads = (p: PaperboyProcess) =>
      p.lines().filter((l) => /loaded \d+ new or changed profile page/.test(String(l.msg)));
    const profileCount = async () =>
      (await session.query<{ n: number }>('SELECT count(*)::int AS n FROM profiles')).rows[0]?.n;
    const page = (n: number) =>
      writeFileSync(join(folder, `person-${n}.txt`), renderProfile(fakeProfile(`Person ${n}`, [fakePaper(n)])));

    page(1);
    await waitFor(() => loads(holder).length === 1, 20_000);
    // Several ticks of both instances: the page is not loaded again, by either.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(loads(holder)).toHaveLength(1);
    expect(loads(other)).toHaveLength(0);
    expect(await profileCount()).toBe(1);

    await holder.kill();
    // Its connection ended with it, and its lock with the connection: the other takes the watcher over.
    await waitFor(() => holds(other), 20_000);
    page(2);
    await waitForAsync(async () => (await profileCount()) === 2, 20_000);
    // Taking over, it read the folder afresh (page 1 was stored already: no new paper) and stored page 2's paper.
    await waitFor(() => loads(other).some((l) => /: 1 new paper/.test(String(l.msg))), 5000);
    expect(errorsIn(other)).toEqual([]);
    expect(await other.stop()).toBe(0);
  }, 120_000);
});
