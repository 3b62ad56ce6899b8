import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDigests } from '../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../src/adapters/sqlite/sqlite-text-index.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import type { NewSubscription, Subscription } from '../../src/core/digest/digest-store.ts';
import { lastDueAt, patternOf } from '../../src/core/digest/schedule.ts';
import { PaperIndex } from '../../src/core/search/paper-index.ts';
import { createSearch } from '../../src/core/search/search.ts';
import { CHANNEL_ID, type FakeDiscord, startFakeDiscord } from '../fakes/fake-discord.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.ts';
import { type FaultPlan, pause } from '../fakes/faults.ts';
import { paperInput } from '../helpers/digest-fixture.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/**
 * Fault injection: three runner processes (`paperboy digest run --now T` loops) share one database over
 * simulated weeks (two in the suite, FAULT_DAYS for more). Pages are added between days; runners are killed
 * with SIGKILL at random moments; the fake Slack and Discord answer random 429s, 500s (some after recording the
 * message) and slow replies. Whatever happens, each subscription gets exactly one digest per due date, with
 * every paper in it once.
 */
const SEEDS = process.env.FAULT_SEEDS ? process.env.FAULT_SEEDS.split(',').map(Number) : [20261128, 7, 424242];
// Two weeks in the suite, to keep it within minutes on 2 cores; FAULT_DAYS=30 soaks for a month.
const DAYS = Number(process.env.FAULT_DAYS ?? 14);
const RUNNERS = 3;
// Short, so that a killed runner's digest is recovered within seconds; the heartbeat renews it every 750 ms.
const LEASE_MS = 3000;
// A working runner is killed every 2 to 5 seconds.
const KILL_EVERY_MS = { min: 2000, max: 5000 };
const CHILD = join(PROJECT_ROOT, 'test', 'helpers', 'digest-runner.ts');
const D2 = '100000000000000010';
const TOPICS = ['tiny models', 'robots', 'tiny robots', 'language games'];

const SUBSCRIPTIONS: NewSubscription[] = [
  { platform: 'slack', channel: 'C1', kind: 'channel', query: '', time: '09:00', tz: 'UTC', postEmpty: false },
  { platform: 'slack', channel: 'C2', kind: 'channel', query: 'robots', time: '08:00', tz: 'UTC', postEmpty: true },
  { platform: 'slack', channel: 'U7', kind: 'watch', query: 'tiny', time: '09:00', tz: 'UTC', postEmpty: false },
  {
    platform: 'discord',
    channel: CHANNEL_ID,
    kind: 'channel',
    query: '',
    time: '08:30',
    tz: 'Europe/Berlin',
    postEmpty: false,
  },
  { platform: 'discord', channel: D2, kind: 'channel', query: 'language', time: '09:00', tz: 'UTC', postEmpty: true },
].map((s) => ({ ...s, watermark: 0, createdBy: 'U1' }) as NewSubscription);

/** mulberry32: a small seeded random source, so a failing seed can be run again. */
function seeded(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const faultPlan = (random: () => number, retryAfter: number): FaultPlan => ({
  random,
  rateLimited: 0.02,
  failBefore: 0.04,
  failAfter: 0.06,
  slow: 0.15,
  slowMs: 150,
  retryAfter,
});

interface RunResult {
  code: number;
  digests: { status: string }[];
}

/** One runner process; it is replaced by a fresh one when killed. */
interface RunnerProcess {
  ready: () => boolean;
  busy: () => boolean;
  dead: () => boolean;
  /** Runs `digest run --now` once with this environment: its exit code and outcomes, or 'killed' if it died first. */
  run(now: string, env: NodeJS.ProcessEnv): Promise<RunResult | 'killed'>;
  kill(): void;
  exited: Promise<unknown>;
  /** The last runs' logs and the process's own standard error. */
  log: () => string;
}

function startRunner(): RunnerProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let ready = false;
  let dead = false;
  let log = '';
  let waiting: ((result: RunResult | 'killed') => void) | undefined;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line === 'ready') {
      ready = true;
      return;
    }
    const result = JSON.parse(line) as RunResult & { stderr: string };
    log = `${log}${result.stderr}`.slice(-6000);
    waiting?.(result);
    waiting = undefined;
  });
  void exited.then(() => {
    dead = true;
    waiting?.('killed');
    waiting = undefined;
  });
  child.stderr?.on('data', (chunk) => {
    log = `${log}${String(chunk)}`.slice(-6000);
  });
  // Writing to a runner killed a moment ago is expected: its run counts as killed.
  child.stdin?.on('error', () => {});
  return {
    ready: () => ready && !dead,
    busy: () => waiting !== undefined,
    dead: () => dead,
    run(now, env) {
      return new Promise((resolve) => {
        waiting = resolve;
        child.stdin?.write(`${JSON.stringify({ now, env })}\n`);
      });
    },
    kill: () => child.kill('SIGKILL'),
    exited,
    log: () => log,
  };
}

/** What one platform channel shows: per ledger id, how many summaries carry it and the paper numbers of its thread. */
type Shown = Map<string, { summaries: number; papers: number[] }>;
const paperNumbers = (text: string) => [...text.matchAll(/Digest paper (\d+) about/g)].map((m) => Number(m[1]));

function shownOnSlack(slack: FakeSlack, channel: string): { shown: Shown; strays: number } {
  const shown: Shown = new Map();
  const all = slack.history(channel);
  const ledgerOf = (m: Record<string, unknown>) =>
    (m.metadata as { event_payload?: { ledger_id?: string } } | undefined)?.event_payload?.ledger_id ?? '?';
  let strays = 0;
  for (const top of all.filter((m) => m.thread_ts === undefined)) {
    const ledger = ledgerOf(top);
    const entry = shown.get(ledger) ?? { summaries: 0, papers: [] };
    entry.summaries++;
    for (const reply of all.filter((m) => m.thread_ts === top.ts)) {
      if (ledgerOf(reply) !== ledger) strays++;
      entry.papers.push(...paperNumbers(JSON.stringify(reply.blocks)));
    }
    shown.set(ledger, entry);
  }
  const threads = new Set(all.filter((m) => m.thread_ts === undefined).map((m) => m.ts));
  strays += all.filter((m) => m.thread_ts !== undefined && !threads.has(m.thread_ts)).length;
  return { shown, strays };
}

function shownOnDiscord(discord: FakeDiscord, channel: string): { shown: Shown; strays: number } {
  const shown: Shown = new Map();
  let strays = 0;
  type Embed = { title?: string; footer?: { text?: string } };
  for (const message of discord.messagesIn(channel)) {
    const embeds = message.embeds as Embed[];
    const ledger = /Paperboy digest (pb-digest-\d+)/.exec(embeds[0]?.footer?.text ?? '')?.[1];
    // Cards in the channel itself (not in a thread) would be strays.
    if (!ledger) {
      strays++;
      continue;
    }
    const entry = shown.get(ledger) ?? { summaries: 0, papers: [] };
    entry.summaries++;
    for (const card of discord.messagesIn(message.id)) {
      entry.papers.push(...paperNumbers((card.embeds as Embed[]).map((e) => e.title ?? '').join('\n')));
    }
    shown.set(ledger, entry);
  }
  return { shown, strays };
}

describe('fault injection: three runners, SIGKILLs and a hostile Slack and Discord over simulated weeks', () => {
  const tempDir = useTempDir();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  // Three runner processes serve every seed (each run carries its seed's environment); a killed one is replaced.
  const runners: RunnerProcess[] = [];
  const everyRunner: RunnerProcess[] = [];
  const killedByTest = new Set<RunnerProcess>();
  const replaceDead = () => {
    for (const [i, runner] of runners.entries()) {
      if (!runner.dead()) continue;
      const fresh = startRunner();
      runners[i] = fresh;
      everyRunner.push(fresh);
    }
  };
  beforeAll(() => {
    runners.push(...Array.from({ length: RUNNERS }, startRunner));
    everyRunner.push(...runners);
  });
  afterAll(async () => {
    for (const runner of everyRunner) runner.kill();
    await Promise.all(everyRunner.map((r) => r.exited));
  });

  for (const seed of SEEDS) {
    // A simulated day takes about 3 s on a quiet machine; the bound leaves room for a loaded one.
    it(`posts every digest exactly once (seed ${seed})`, { timeout: 60_000 + DAYS * 8_000 }, async () => {
      const started = Date.now();
      const random = seeded(seed);
      const chaos = seeded(seed + 3);
      const slack = await startFakeSlack();
      cleanups.push(() => slack.stop());
      const discord = await startFakeDiscord({ channels: [D2] });
      cleanups.push(() => discord.stop());
      const db = join(tempDir(), 'p.db');
      const store = createSqliteStore(db);
      cleanups.push(async () => store.close());
      const digests = createSqliteDigests(store.db);
      const subscriptions: Subscription[] = [];
      for (const s of SUBSCRIPTIONS)
        subscriptions.push(await digests.addSubscription(s, new Date('2026-11-30T12:00:00Z')));
      slack.faults.set(faultPlan(seeded(seed + 1), 1));
      discord.faults.set(faultPlan(seeded(seed + 2), 0.05));
      const env: NodeJS.ProcessEnv = {
        FAULT_DB: db,
        PAPERBOY_DIGEST_LEASE_MS: String(LEASE_MS),
        PAPERBOY_DB: '',
        PAPERBOY_TZ: 'UTC',
        PAPERBOY_DIGEST_MAX_LATE: '',
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 's',
        SLACK_APP_TOKEN: '',
        SLACK_API_URL: slack.apiUrl,
        DISCORD_TOKEN: 'test-token',
        DISCORD_API_URL: discord.apiUrl,
        NO_COLOR: '1',
      };

      const dueOn = (subscription: Subscription, now: Date) =>
        lastDueAt(patternOf(subscription), subscription.tz, now)?.toISOString();
      const unfinished = store.db.prepare<[], number>(
        `SELECT count(*) FROM digest_runs WHERE status IN ('due', 'sending')`,
      );
      const finishedAt = store.db.prepare<[number, string], number>(
        `SELECT count(*) FROM digest_runs WHERE subscription_id = ? AND due_at = ? AND status IN ('sent', 'empty')`,
      );
      const dayDone = (now: Date) =>
        unfinished.pluck().get() === 0 &&
        subscriptions.every((s) => finishedAt.pluck().get(s.id, dueOn(s, now) as string) === 1);

      // The runners run free: each runs `digest run --now DAY` again as soon as its last run ended.
      let today = new Date(Date.UTC(2026, 11, 1, 9, 0));
      let stopping = false;
      const codes: number[] = [];
      const outcomes = new Map<string, number>();
      const drive = async (slot: number) => {
        while (!stopping) {
          replaceDead();
          const runner = runners[slot] as RunnerProcess;
          if (runner.ready()) {
            const result = await runner.run(today.toISOString(), env);
            if (result !== 'killed') {
              // A run exits 1 exactly when one of its digests failed (an injected fault), else 0.
              const failed = result.digests.some((d) => d.status === 'failed');
              codes.push(result.code === (failed ? 1 : 0) ? 0 : result.code + 100);
              for (const { status } of result.digests) outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
            }
          }
          await pause(50);
        }
      };
      // Now and then a runner is killed with SIGKILL in the middle of a run (mid-post, mid-write, mid-lookup).
      let killed = 0;
      let killer: ReturnType<typeof setTimeout> | undefined;
      const scheduleKill = () => {
        killer = setTimeout(
          async () => {
            // The next runner seen at work is killed a random moment into its run.
            const until = Date.now() + 2000;
            let working = runners.filter((r) => r.ready() && r.busy());
            while (!stopping && working.length === 0 && Date.now() < until) {
              await pause(5);
              working = runners.filter((r) => r.ready() && r.busy());
            }
            const victim = working[Math.floor(chaos() * working.length)];
            await pause(Math.floor(chaos() * 120));
            if (stopping) return;
            if (victim && !victim.dead()) {
              killedByTest.add(victim);
              victim.kill();
              killed++;
            }
            scheduleKill();
          },
          KILL_EVERY_MS.min + Math.floor(chaos() * (KILL_EVERY_MS.max - KILL_EVERY_MS.min)),
        );
      };
      const driving = runners.map((_, slot) => drive(slot));
      scheduleKill();
      cleanups.push(async () => {
        stopping = true;
        clearTimeout(killer);
        await Promise.all(driving);
      });

      let papers = 0;
      const days: Date[] = [];
      for (let day = 1; day <= DAYS; day++) {
        const now = new Date(Date.UTC(2026, 11, day, 9, 0));
        days.push(now);
        // Pages between days: none on some days (nothing to post unless a subscription asked for empty digests).
        const count = random() < 0.3 ? 0 : 1 + Math.floor(random() * 9);
        const batch = Array.from({ length: count }, () => {
          papers++;
          return paperInput(papers, `Digest paper ${papers} about ${TOPICS[Math.floor(random() * TOPICS.length)]}`);
        });
        if (count) await store.savePapers(batch, now);
        today = now;
        const deadline = Date.now() + 45_000;
        while (!dayDone(now)) {
          if (Date.now() > deadline) {
            const open = store.db.prepare(`SELECT * FROM digest_runs WHERE status IN ('due', 'sending')`).all();
            const logs = runners.map((r) => r.log()).join('\n----\n');
            throw new Error(`day ${day} never finished: ${JSON.stringify(open)}\n${logs}`);
          }
          await pause(25);
        }
      }
      stopping = true;
      clearTimeout(killer);
      await Promise.all(driving);

      // Exactly once, for every subscription and due date.
      expect(unfinished.pluck().get()).toBe(0);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const search = createSearch({
        store,
        index: await PaperIndex.open({ store }),
        text: createSqliteTextIndex(store.db),
      });
      const allIds = await digests.newPaperIds(0, await store.maxSeq());
      const numberOf = new Map((await store.getPapers(allIds)).map((p) => [p.id, paperNumbers(p.title)[0] as number]));
      const sorted = (list: number[]) => [...list].sort((x, y) => x - y);
      let digestCount = 0;
      for (const subscription of subscriptions) {
        const rows = store.db
          .prepare<[number], { id: number; due_at: string; status: string; paper_ids: string }>(
            'SELECT id, due_at, status, paper_ids FROM digest_runs WHERE subscription_id = ? ORDER BY due_at',
          )
          .all(subscription.id);
        expect(rows.map((r) => r.due_at)).toEqual(days.map((d) => dueOn(subscription, d)));
        const { shown, strays } =
          subscription.platform === 'slack'
            ? shownOnSlack(slack, subscription.kind === 'watch' ? `D${subscription.channel}` : subscription.channel)
            : shownOnDiscord(discord, subscription.channel);
        expect(strays).toBe(0);
        const delivered: number[] = [];
        let posted = 0;
        for (const row of rows) {
          const ids = JSON.parse(row.paper_ids) as number[];
          const numbers = ids.map((id) => numberOf.get(id) as number);
          delivered.push(...numbers);
          expect(row.status).toBe(ids.length ? 'sent' : 'empty');
          const onPlatform = shown.get(`pb-digest-${row.id}`);
          if (ids.length === 0 && !subscription.postEmpty) {
            // Nothing new and no empty digests asked for: nothing posted.
            expect(onPlatform).toBeUndefined();
            continue;
          }
          posted++;
          const where = `${subscription.platform} ${subscription.channel} row ${row.id}`;
          expect({ where, ...onPlatform, papers: sorted(onPlatform?.papers ?? []) }).toEqual({
            where,
            summaries: 1,
            papers: sorted(numbers),
          });
        }
        // No digest on the platform that the ledger does not know, and every matching paper delivered once.
        expect(shown.size).toBe(posted);
        digestCount += posted;
        const matching = subscription.query ? await search.filterMatching(subscription.query, allIds) : allIds;
        expect(sorted(delivered)).toEqual(sorted(matching.map((id) => numberOf.get(id) as number)));
      }
      // Every run exited as its outcomes say, and no runner died but those the test killed.
      expect(codes.filter((code) => code !== 0)).toEqual([]);
      expect(everyRunner.filter((r) => r.dead() && !killedByTest.has(r))).toEqual([]);

      const posts =
        slack.callsTo('chat.postMessage').length +
        discord.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path)).length;
      const faults = (counts: Record<string, number>) =>
        Object.entries(counts)
          .map(([kind, n]) => `${n} ${kind}`)
          .join(', ');
      console.log(
        `fault injection seed ${seed}: ${DAYS} days, ${papers} papers, ${digestCount} digests, ${posts} post requests, ` +
          `${killed} runners killed, ${codes.length} runs (outcomes: ${faults(Object.fromEntries(outcomes))}); ` +
          `faults Slack: ${faults(slack.faults.counts)}; Discord: ${faults(discord.faults.counts)}; ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    });
  }
});
