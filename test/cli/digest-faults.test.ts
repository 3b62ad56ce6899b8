import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStores } from '../../src/cli/open-stores.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import type { NewSubscription, Subscription } from '../../src/core/digest/digest-store.ts';
import { UNSENT_STATUSES } from '../../src/core/digest/run-digests.ts';
import { lastDueAt, patternOf } from '../../src/core/digest/schedule.ts';
import { PaperIndex } from '../../src/core/search/paper-index.ts';
import { createSearch } from '../../src/core/search/search.ts';
import { CHANNEL_ID, type FakeDiscord, startFakeDiscord } from '../fakes/fake-discord.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.ts';
import { type FaultPlan, pause } from '../fakes/faults.ts';
import { paperInput } from '../helpers/digest-fixture.ts';
import { storeKinds } from '../helpers/instance-store.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/**
 * Fault injection: three runner processes (`paperboy digest run --now T` loops) share one database (SQLite, and
 * PostgreSQL) over simulated weeks (two in the suite, FAULT_DAYS for more). Pages are added between days; runners
 * are killed with SIGKILL at random moments; their clocks disagree (one is 10 s ahead, within the bound, one
 * 150 s ahead, beyond it); the fake Slack and Discord answer random 429s, 500s (some after recording the
 * message), slow replies, and posts recorded after the client's timeout. Whatever happens, each subscription gets
 * exactly one digest per due date, with every paper in it once.
 */
const SEEDS = process.env.FAULT_SEEDS ? process.env.FAULT_SEEDS.split(',').map(Number) : [20261128, 7, 424242];
// One seed on PostgreSQL in the suite (its runs are slower); FAULT_PG_SEEDS for more.
const PG_SEEDS = process.env.FAULT_PG_SEEDS ? process.env.FAULT_PG_SEEDS.split(',').map(Number) : [20261128];
// Each runner slot's clock, off the machine's (and the database's): within MAX_CLOCK_SKEW_MS, and beyond it.
const SKEWS_MS = [0, 10_000, 150_000];
// Posts recorded late: the client gives up after TIMEOUT_MS, the platform records the post LATE_MS after the
// request, and a digest with an unknown outcome is looked at again RECHECK_MS after the failure (> LATE_MS).
const TIMEOUT_MS = 700;
const LATE_MS = 1500;
const RECHECK_MS = 2500;
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
  lateRecord: 0.04,
  lateMs: LATE_MS,
  retryAfter,
});

/** The ledger, read with SQL on either engine (`$1` parameters). */
interface LedgerReader {
  count(sql: string, ...params: unknown[]): Promise<number>;
  runs(subscriptionId: number): Promise<{ id: number; due_at: string; status: string; paper_ids: number[] }[]>;
  unfinished(): Promise<unknown[]>;
  integrity(): Promise<string>;
  close(): Promise<void>;
}

function ledgerReader(target: { file: string } | { url: string }): LedgerReader {
  const runsSql = 'SELECT id, due_at, status, paper_ids FROM digest_runs WHERE subscription_id = $1 ORDER BY due_at';
  const unfinishedSql = `SELECT * FROM digest_runs WHERE status IN ('due', 'sending')`;
  type Row = { id: number | string; due_at: string | Date; status: string; paper_ids: string | string[] };
  const normal = (r: Row) => ({
    id: Number(r.id),
    due_at: r.due_at instanceof Date ? r.due_at.toISOString() : r.due_at,
    status: r.status,
    paper_ids: (typeof r.paper_ids === 'string' ? (JSON.parse(r.paper_ids) as number[]) : r.paper_ids).map(Number),
  });
  if ('file' in target) {
    const db = new Database(target.file);
    const q = (sql: string) => db.prepare(sql.replace(/\$\d+/g, '?'));
    return {
      count: async (sql, ...params) => Number(Object.values(q(sql).get(...params) as object)[0]),
      runs: async (id) => (q(runsSql).all(id) as Row[]).map(normal),
      unfinished: async () => q(unfinishedSql).all(),
      integrity: async () => String(db.pragma('integrity_check', { simple: true })),
      close: async () => {
        db.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 2 });
  return {
    count: async (sql, ...params) => Number(Object.values((await pool.query(sql, params)).rows[0] as object)[0]),
    runs: async (id) => ((await pool.query(runsSql, [id])).rows as Row[]).map(normal),
    unfinished: async () => (await pool.query(unfinishedSql)).rows,
    integrity: async () => 'ok',
    close: () => pool.end(),
  };
}

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

describe.each(storeKinds())(
  'fault injection on $name: three runners with skewed clocks, SIGKILLs and a hostile Slack and Discord over simulated weeks',
  (kind) => {
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

    for (const seed of kind.name === 'SQLite' ? SEEDS : PG_SEEDS) {
      // A simulated day takes about 3 s on a quiet machine; the bound leaves room for a loaded one.
      it.skipIf(kind.skip)(
        `R2, R3: posts every digest exactly once (seed ${seed})`,
        { timeout: 60_000 + DAYS * 8_000 },
        async () => {
          const started = Date.now();
          const random = seeded(seed);
          const chaos = seeded(seed + 3);
          const slack = await startFakeSlack();
          cleanups.push(() => slack.stop());
          const discord = await startFakeDiscord({ channels: [D2] });
          cleanups.push(() => discord.stop());
          const dir = tempDir();
          const shared = await kind.create(dir);
          cleanups.push(() => shared.drop());
          const db = shared.args[1] ?? '';
          const target = shared.url
            ? { kind: 'postgres' as const, url: shared.url }
            : { kind: 'sqlite' as const, file: db };
          const stores = await openStores(target, { env: shared.env(9) });
          cleanups.push(() => stores.close());
          const { store, digests } = stores;
          const ledger = ledgerReader(shared.url ? { url: shared.url } : { file: db });
          cleanups.push(() => ledger.close());
          const subscriptions: Subscription[] = [];
          for (const s of SUBSCRIPTIONS)
            subscriptions.push(await digests.addSubscription(s, new Date('2026-11-30T12:00:00Z')));
          slack.faults.set(faultPlan(seeded(seed + 1), 1));
          discord.faults.set(faultPlan(seeded(seed + 2), 0.05));
          const env = (slot: number): NodeJS.ProcessEnv => ({
            ...shared.env(slot),
            FAULT_DB: db,
            FAULT_CLOCK_SKEW_MS: String(SKEWS_MS[slot] ?? 0),
            PAPERBOY_DIGEST_LEASE_MS: String(LEASE_MS),
            PAPERBOY_DIGEST_RECHECK_MS: String(RECHECK_MS),
            PAPERBOY_PLATFORM_TIMEOUT_MS: String(TIMEOUT_MS),
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
          });

          const dueOn = (subscription: Subscription, now: Date) =>
            lastDueAt(patternOf(subscription), subscription.tz, now)?.toISOString();
          const unfinished = () => ledger.count(`SELECT count(*) FROM digest_runs WHERE status IN ('due', 'sending')`);
          const finishedAt = (id: number, due: string) =>
            ledger.count(
              `SELECT count(*) FROM digest_runs WHERE subscription_id = $1 AND due_at = $2 AND status IN ('sent', 'empty')`,
              id,
              due,
            );
          const dayDone = async (now: Date) => {
            if ((await unfinished()) !== 0) return false;
            for (const s of subscriptions) if ((await finishedAt(s.id, dueOn(s, now) as string)) !== 1) return false;
            return true;
          };

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
                const result = await runner.run(today.toISOString(), env(slot));
                if (result !== 'killed') {
                  // A run exits 1 exactly when one of its digests was not sent (an injected fault, an unknown
                  // outcome, a clock too far off to claim), else 0.
                  const failed = result.digests.some((d) => UNSENT_STATUSES.includes(d.status as never));
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
                // One runner restarting at a time: a new process takes seconds to start on a loaded machine, and
                // killing the others meanwhile would leave no runner at all.
                const restarting = runners.some((r) => r !== victim && !r.ready());
                if (victim && !victim.dead() && !restarting) {
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
            while (!(await dayDone(now))) {
              if (Date.now() > deadline) {
                const open = [
                  ...(await ledger.unfinished()),
                  ...(await Promise.all(subscriptions.map((s) => ledger.runs(s.id)))).flat(),
                ];
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
          expect(await unfinished()).toBe(0);
          expect(await ledger.integrity()).toBe('ok');
          const search = createSearch({ store, index: await PaperIndex.open({ store }), text: stores.text });
          const allIds = await digests.newPaperIds(0, await store.maxSeq());
          const numberOf = new Map(
            (await store.getPapers(allIds)).map((p) => [p.id, paperNumbers(p.title)[0] as number]),
          );
          const sorted = (list: number[]) => [...list].sort((x, y) => x - y);
          let digestCount = 0;
          for (const subscription of subscriptions) {
            const rows = await ledger.runs(subscription.id);
            expect(rows.map((r) => r.due_at)).toEqual(days.map((d) => dueOn(subscription, d)));
            const { shown, strays } =
              subscription.platform === 'slack'
                ? shownOnSlack(slack, subscription.kind === 'watch' ? `D${subscription.channel}` : subscription.channel)
                : shownOnDiscord(discord, subscription.channel);
            expect(strays).toBe(0);
            const delivered: number[] = [];
            let posted = 0;
            for (const row of rows) {
              const ids = row.paper_ids;
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
          // The runner 150 s ahead claimed nothing and said why; posts recorded late were waited for.
          expect(outcomes.get('clock_skew') ?? 0).toBeGreaterThan(0);
          expect(outcomes.get('outcome_unknown') ?? 0).toBeGreaterThan(0);

          const posts =
            slack.callsTo('chat.postMessage').length +
            discord.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path)).length;
          const faults = (counts: Record<string, number>) =>
            Object.entries(counts)
              .map(([kind, n]) => `${n} ${kind}`)
              .join(', ');
          console.log(
            `fault injection on ${kind.name}, seed ${seed}: ${DAYS} days, ${papers} papers, ${digestCount} digests, ${posts} post requests, ` +
              `${killed} runners killed, ${codes.length} runs (outcomes: ${faults(Object.fromEntries(outcomes))}); ` +
              `faults Slack: ${faults(slack.faults.counts)}; Discord: ${faults(discord.faults.counts)}; ` +
              `${((Date.now() - started) / 1000).toFixed(1)} s`,
          );
        },
      );
    }
  },
);
