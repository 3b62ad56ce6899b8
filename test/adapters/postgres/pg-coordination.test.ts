import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPgArxivState } from '../../../src/adapters/postgres/pg-arxiv-state.ts';
import { createPgDigests } from '../../../src/adapters/postgres/pg-digests.ts';
import { createPgEventLedger } from '../../../src/adapters/postgres/pg-event-ledger.ts';
import { createPgInstanceLocks } from '../../../src/adapters/postgres/pg-instance-locks.ts';
import { migratePg } from '../../../src/adapters/postgres/pg-migrations.ts';
import { createPgSession, type PgSession } from '../../../src/adapters/postgres/pg-session.ts';
import { PROJECT_ROOT } from '../../../src/config.ts';
import type { NewSubscription } from '../../../src/core/digest/digest-store.ts';
import { createLocalInstanceLocks, type InstanceLocks } from '../../../src/core/store/instance-locks.ts';
import { createTestDatabase, testPostgres } from '../../helpers/pg.ts';
import { waitForAsync } from '../../helpers/wait-for.ts';

const postgres = testPostgres();
const DAY1 = new Date('2026-11-29T09:00:00Z');
const DAY2 = new Date('2026-11-30T09:00:00Z');
const MINUTE = 60_000;
const ROUNDS = 20;

const subscription = (channel: string): NewSubscription => ({
  platform: 'slack',
  channel,
  kind: 'channel',
  query: '',
  time: '09:00',
  tz: 'UTC',
  watermark: 0,
  postEmpty: false,
  createdBy: 'U1',
});

/** Sessions as separate instances would have them (a pool each), connected before a race starts. */
async function instances(url: string, count: number, max = 2): Promise<PgSession[]> {
  const sessions = Array.from({ length: count }, (_, i) => createPgSession(url, { max, applicationName: `i${i}` }));
  await Promise.all(sessions.flatMap((s) => Array.from({ length: max }, () => s.query('SELECT 1'))));
  return sessions;
}

describe.skipIf(postgres.skip)('coordination of several instances on one PostgreSQL database', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const open: PgSession[] = [];
  const locks: InstanceLocks[] = [];
  const connect = async (count: number, max?: number) => {
    const sessions = await instances(db.url, count, max);
    open.push(...sessions);
    return sessions;
  };
  beforeAll(async () => {
    db = await createTestDatabase(postgres.url);
    const first = createPgSession(db.url, { max: 1 });
    await migratePg(first.pool);
    await first.close();
  });
  afterEach(async () => {
    await Promise.all(locks.splice(0).map((l) => l.close()));
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await db.drop();
  });

  it('eight instances claiming one ledger row at the same moment: exactly one gets it, round after round', async () => {
    const sessions = await connect(8);
    const stores = sessions.map(createPgDigests);
    const [maker] = stores;
    for (let round = 0; round < ROUNDS; round++) {
      const sub = await maker?.addSubscription(subscription(`claim-${round}`), DAY1);
      const run = await maker?.openRun(sub?.id ?? 0, DAY1, { fromSeq: 0, toSeq: 3, ids: [1, 2, 3] }, DAY1);
      const now = Date.now();
      const claims = await Promise.all(
        stores.map((s, i) => s.claimRun(run?.id ?? 0, { owner: `runner-${i}`, now, ms: 2 * MINUTE })),
      );
      const winners = claims.filter((c) => c !== undefined);
      expect(winners).toHaveLength(1);
      expect((await maker?.getRun(sub?.id ?? 0, DAY1))?.leaseOwner).toBe(winners[0]?.leaseOwner);
      // Once that lease has run out, the same race has one winner again.
      const later = now + 2 * MINUTE;
      const again = await Promise.all(
        stores.map((s, i) => s.claimRun(run?.id ?? 0, { owner: `late-${i}`, now: later, ms: 2 * MINUTE })),
      );
      expect(again.filter((c) => c !== undefined)).toHaveLength(1);
    }
  });

  it('runners with different clocks opening rows of one subscription at once make one row, and a paper goes in one row', async () => {
    const sessions = await connect(4);
    const stores = sessions.map(createPgDigests);
    const [maker] = stores;
    for (let round = 0; round < ROUNDS; round++) {
      const sub = await maker?.addSubscription(subscription(`open-${round}`), DAY1);
      const id = sub?.id ?? 0;
      // Two processes-worth of runners: two think it is day 1, two (clock a day ahead) think it is day 2.
      const made = await Promise.all(
        stores.map((s, i) =>
          s.openRun(id, i % 2 ? DAY2 : DAY1, { fromSeq: 0, toSeq: 2 + (i % 2), ids: i % 2 ? [1, 2, 3] : [1, 2] }, DAY1),
        ),
      );
      expect(made.filter((r) => r !== undefined)).toHaveLength(1);
      const { rows } = await (sessions[0] as PgSession).query('SELECT id FROM digest_runs WHERE subscription_id = $1', [
        id,
      ]);
      expect(rows).toHaveLength(1);
    }
  });

  it('a runner closing a row as another opens the next one from the old watermark: never two rows with the same papers', async () => {
    const [a, b] = (await connect(2)).map(createPgDigests);
    for (let round = 0; round < ROUNDS; round++) {
      const sub = await a?.addSubscription(subscription(`close-${round}`), DAY1);
      const id = sub?.id ?? 0;
      const first = await a?.openRun(id, DAY1, { fromSeq: 0, toSeq: 2, ids: [1, 2] }, DAY1);
      await a?.claimRun(first?.id ?? 0, { owner: 'a', now: Date.now(), ms: MINUTE });
      const [sent, reopened] = await Promise.all([
        a?.markSent(first?.id ?? 0, 'a', 'ts', DAY1),
        b?.openRun(id, DAY2, { fromSeq: 0, toSeq: 3, ids: [1, 2, 3] }, DAY2),
      ]);
      expect(sent).toBe(true);
      expect(reopened).toBeUndefined();
      expect(await a?.getSubscription(id)).toMatchObject({ watermark: 2 });
    }
  });

  it('a runner whose lease ran out closing the row as another claims it: exactly one of them wins', async () => {
    const [a, b] = (await connect(2)).map(createPgDigests);
    const wins = { closed: 0, taken: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const sub = await a?.addSubscription(subscription(`late-${round}`), DAY1);
      const run = await a?.openRun(sub?.id ?? 0, DAY1, { fromSeq: 0, toSeq: 2, ids: [1, 2] }, DAY1);
      const t0 = Date.now();
      await a?.claimRun(run?.id ?? 0, { owner: 'a', now: t0, ms: MINUTE });
      const [closed, taken] = await Promise.all([
        a?.markSent(run?.id ?? 0, 'a', 'ts', DAY1),
        b?.claimRun(run?.id ?? 0, { owner: 'b', now: t0 + MINUTE, ms: MINUTE }),
      ]);
      expect(Number(closed) + Number(taken !== undefined)).toBe(1);
      if (closed) wins.closed++;
      else wins.taken++;
      const after = await a?.getSubscription(sub?.id ?? 0);
      expect(after?.watermark).toBe(closed ? 2 : 0);
    }
    expect(wins.closed + wins.taken).toBe(ROUNDS);
  });

  it('feed state written inside a transaction the caller rolls back leaves nothing; ledger writes never join one', async () => {
    const [session, other] = (await connect(2, 3)) as [PgSession, PgSession];
    const digests = createPgDigests(session);
    const arxiv = createPgArxivState(session);
    const sub = await digests.addSubscription(subscription('tx'), DAY1);
    // Another flow of this process (an arXiv sync) has a transaction open on the same session.
    await session.begin();
    await arxiv.markSynced('cs.CL', '2026-11-29T00:30:00-05:00', DAY1);
    const run = await digests.openRun(sub.id, DAY1, { fromSeq: 0, toSeq: 1, ids: [1] }, DAY1);
    expect(await digests.claimRun(run?.id ?? 0, { owner: 'a', now: Date.now(), ms: MINUTE })).toBeDefined();
    // The ledger's row and claim are there for every instance at once ...
    expect(await createPgDigests(other).getRun(sub.id, DAY1)).toMatchObject({ leaseOwner: 'a' });
    expect(await createPgArxivState(other).feed('cs.CL')).toMatchObject({ updated: null });
    await session.rollback();
    // ... and stay when that transaction rolls back; the feed state went with it.
    expect(await digests.getRun(sub.id, DAY1)).toMatchObject({ status: 'due', leaseOwner: 'a' });
    expect(await arxiv.feed('cs.CL')).toMatchObject({ updated: null, syncedAt: null });
    await session.begin();
    await arxiv.markSynced('cs.CL', '2026-11-29T00:30:00-05:00', DAY1);
    await session.commit();
    expect(await createPgArxivState(other).feed('cs.CL')).toMatchObject({ updated: '2026-11-29T00:30:00-05:00' });
  });

  it('three instances claiming a feed nobody fetched yet at once: one fetches', async () => {
    const states = (await connect(3)).map(createPgArxivState);
    for (let round = 0; round < ROUNDS; round++) {
      const now = Date.now();
      const feed = `cs.F${round}`;
      const claims = await Promise.all(states.map((s, i) => s.claim(feed, `runner-${i}`, now, MINUTE)));
      expect(claims.filter(Boolean)).toHaveLength(1);
    }
  });

  it('an event delivered 100 times at once to three instances is taken once; forgotten keys are new again', async () => {
    const ledgers = (await connect(3, 4)).map(createPgEventLedger);
    const now = new Date('2026-11-29T09:00:00Z');
    const firsts = await Promise.all(
      Array.from({ length: 100 }, (_, i) => ledgers[i % 3]?.firstSeen('T1:Ev0001', now)),
    );
    expect(firsts.filter((f) => f === true)).toHaveLength(1);
    expect(firsts.filter((f) => f === false)).toHaveLength(99);
    // Many keys, each delivered to every instance: each is taken once.
    const keys = Array.from({ length: 30 }, (_, i) => `T1:Ev1${i}`);
    const taken = await Promise.all(keys.flatMap((key) => ledgers.map((l) => l?.firstSeen(key, now))));
    expect(taken.filter((f) => f === true)).toHaveLength(keys.length);
    const [ledger] = ledgers;
    const dayLater = new Date(now.getTime() + 24 * 60 * MINUTE);
    expect(await ledger?.firstSeen('T1:Ev9999', dayLater)).toBe(true);
    await ledger?.forget(new Date(now.getTime() + 1));
    expect(await ledger?.firstSeen('T1:Ev0001', dayLater)).toBe(true);
    expect(await ledger?.firstSeen('T1:Ev9999', dayLater)).toBe(false);
  });

  describe('instance locks', () => {
    const hold = (session: PgSession | undefined) => {
      if (!session) throw new Error('no session to hold locks on');
      const made = createPgInstanceLocks(session.pool);
      locks.push(made);
      return made;
    };

    it('one instance holds a name; holding again takes no second lock, so one release frees it', async () => {
      const [a, b] = await connect(2, 1);
      const lockA = hold(a);
      const lockB = hold(b);
      expect(await lockA.tryHold('arxiv-sync')).toBe(true);
      expect(await lockB.tryHold('arxiv-sync')).toBe(false);
      expect(await lockA.tryHold('arxiv-sync')).toBe(true);
      // Another name is another lock.
      expect(await lockB.tryHold('profile-watcher')).toBe(true);
      expect(await lockA.tryHold('profile-watcher')).toBe(false);
      await lockA.release('arxiv-sync');
      expect(await lockB.tryHold('arxiv-sync')).toBe(true);
      expect(await lockA.tryHold('arxiv-sync')).toBe(false);
      // Closing gives every lock up at once.
      await lockB.close();
      expect(await lockA.tryHold('arxiv-sync')).toBe(true);
      expect(await lockA.tryHold('profile-watcher')).toBe(true);
    });

    it('overlapping tries of one name by one instance take it once', async () => {
      const [a, b] = await connect(2, 1);
      const lockA = hold(a);
      expect(await Promise.all(Array.from({ length: 5 }, () => lockA.tryHold('arxiv-sync')))).toEqual(
        Array(5).fill(true),
      );
      await lockA.release('arxiv-sync');
      expect(await hold(b).tryHold('arxiv-sync')).toBe(true);
    });

    it('when the holder’s connection dies another instance takes the name over, and the first learns it lost it', async () => {
      const [a, b, admin] = await connect(3, 1);
      const lockA = hold(a);
      const lockB = hold(b);
      expect(await lockA.tryHold('arxiv-sync')).toBe(true);
      expect(await lockB.tryHold('arxiv-sync')).toBe(false);
      // What PostgreSQL sees when a process dies: its session ends.
      await admin?.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND objsubid = 2 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      await waitForAsync(() => lockB.tryHold('arxiv-sync'));
      expect(await lockA.tryHold('arxiv-sync')).toBe(false);
      // The first instance's locks work again on a new connection once the name is free.
      await lockB.release('arxiv-sync');
      expect(await lockA.tryHold('arxiv-sync')).toBe(true);
    });

    it('when the holding process is killed (SIGKILL) another instance takes the name over', async () => {
      const [b] = await connect(1, 1);
      const lockB = hold(b);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'helpers', 'hold-instance-lock.ts'), db.url, 'arxiv-sync'],
        { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        const said = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout?.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('\n')) resolve(out.trim());
          });
          child.once('exit', () => reject(new Error('the lock holder exited before saying whether it holds the lock')));
        });
        expect(said).toBe('held');
        expect(await lockB.tryHold('arxiv-sync')).toBe(false);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      await waitForAsync(() => lockB.tryHold('arxiv-sync'));
    });

    it('a single process on SQLite always holds its locks', async () => {
      const local = createLocalInstanceLocks();
      expect(await local.tryHold('arxiv-sync')).toBe(true);
      expect(await local.tryHold('arxiv-sync')).toBe(true);
      await local.release('arxiv-sync');
      await local.close();
      expect(await local.tryHold('profile-watcher')).toBe(true);
    });
  });
});
