import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DigestStore, type NewSubscription, OUTCOME_UNKNOWN } from '../../src/core/digest/digest-store.ts';

/** A paper as the ledger sees it: when it was first stored (`seq`), its date, whether digests announce it. */
export interface LedgerPaper {
  date: string;
  announce: boolean;
}

/** A digest store on a fresh, empty database, and a way to store papers in it (in order: seq grows). */
export interface OpenDigestStore {
  digests: DigestStore;
  /** Stores papers in this order; their ids and sequence numbers. */
  addPapers(papers: LedgerPaper[]): Promise<{ id: number; seq: number }[]>;
  close(): Promise<void>;
}

const DAY1 = new Date('2026-11-29T09:00:00Z');
const DAY2 = new Date('2026-11-30T09:00:00Z');
const MADE = new Date('2026-11-28T12:00:00Z');
const MINUTE = 60_000;
const T0 = 1_800_000_000_000;

const channel = (changes: Partial<NewSubscription> = {}): NewSubscription => ({
  platform: 'slack',
  channel: 'C1',
  kind: 'channel',
  query: '',
  time: '09:00',
  tz: 'UTC',
  watermark: 0,
  postEmpty: false,
  createdBy: 'U1',
  ...changes,
});

/**
 * The rules of the digest ledger (docs/digests.md), run against every DigestStore so that the SQLite and the
 * PostgreSQL ledgers cannot drift apart.
 */
export function describeDigestStoreContract(name: string, open: () => Promise<OpenDigestStore>) {
  describe(`digest store contract: ${name}`, () => {
    let opened: OpenDigestStore;
    let digests: DigestStore;
    beforeEach(async () => {
      opened = await open();
      digests = opened.digests;
    });
    afterEach(async () => {
      await opened.close();
    });

    /** A subscription with one `due` row for DAY1 carrying papers 1..2 (seq 0 to 2). */
    async function withRun() {
      const sub = await digests.addSubscription(channel(), MADE);
      const run = await digests.openRun(sub.id, DAY1, { fromSeq: 0, toSeq: 2, ids: [1, 2] }, DAY1);
      if (!run) throw new Error('the first row of a subscription was refused');
      return { sub, run };
    }

    it('makes subscriptions with their defaults: a channel digest daily, a watch every 15 minutes', async () => {
      const daily = await digests.addSubscription(channel(), MADE);
      const watch = await digests.addSubscription(
        channel({ kind: 'watch', channel: 'U2', query: 'reward hacking', postEmpty: true }),
        MADE,
      );
      const weekly = await digests.addSubscription(channel({ rhythm: 'weekly', weekday: 1, postEmpty: true }), MADE);
      const weekdays = await digests.addSubscription(channel({ rhythm: 'weekdays', weekday: 3 }), MADE);
      expect(daily).toEqual({
        id: daily.id,
        platform: 'slack',
        channel: 'C1',
        kind: 'channel',
        rhythm: 'daily',
        weekday: null,
        query: '',
        time: '09:00',
        tz: 'UTC',
        watermark: 0,
        paused: false,
        postEmpty: false,
        ranked: false,
        space: null,
        createdBy: 'U1',
        createdAt: MADE.toISOString(),
      });
      // A watch checked every 15 minutes never posts "no new papers", even when saved with `empty`.
      expect(watch).toMatchObject({
        kind: 'watch',
        rhythm: 'quarter-hourly',
        postEmpty: false,
        query: 'reward hacking',
      });
      expect(weekly).toMatchObject({ rhythm: 'weekly', weekday: 1, postEmpty: true });
      // A watch with a rhythm may post "no new papers".
      const timedWatch = await digests.addSubscription(
        channel({ kind: 'watch', channel: 'U3', rhythm: 'daily', postEmpty: true }),
        MADE,
      );
      expect(timedWatch).toMatchObject({ kind: 'watch', rhythm: 'daily', postEmpty: true });
      // The day is kept only for a weekly rhythm.
      expect(weekdays).toMatchObject({ rhythm: 'weekdays', weekday: null });
      expect(await digests.getSubscription(watch.id)).toEqual(watch);
      expect(new Set([daily.id, watch.id, weekly.id, weekdays.id]).size).toBe(4);
    });

    it('keeps a ranked subscription ranked, with the space whose taste it reads', async () => {
      const ranked = await digests.addSubscription(channel({ ranked: true, space: 'T1' }), MADE);
      const plain = await digests.addSubscription(channel({ channel: 'C2', space: 'T1' }), MADE);
      expect(ranked).toMatchObject({ ranked: true, space: 'T1' });
      expect(plain).toMatchObject({ ranked: false, space: 'T1' });
      expect(await digests.getSubscription(ranked.id)).toEqual(ranked);
      expect((await digests.listSubscriptions()).map((s) => s.ranked)).toEqual([true, false]);
    });

    it('refuses a weekly subscription without its day, storing nothing', async () => {
      await expect(digests.addSubscription(channel({ rhythm: 'weekly' }), MADE)).rejects.toMatchObject({
        code: 'invalid_query',
      });
      expect(await digests.listSubscriptions()).toEqual([]);
    });

    it('lists subscriptions in the order they were made, by platform and channel', async () => {
      const a = await digests.addSubscription(channel({ channel: 'C1' }), MADE);
      const b = await digests.addSubscription(channel({ platform: 'discord', channel: 'C1' }), MADE);
      const c = await digests.addSubscription(channel({ channel: 'C2' }), MADE);
      const ids = async (filter?: Parameters<DigestStore['listSubscriptions']>[0]) =>
        (await digests.listSubscriptions(filter)).map((s) => s.id);
      expect(await ids()).toEqual([a.id, b.id, c.id]);
      expect(await ids({ platform: 'slack' })).toEqual([a.id, c.id]);
      expect(await ids({ channel: 'C1' })).toEqual([a.id, b.id]);
      expect(await ids({ platform: 'discord', channel: 'C1' })).toEqual([b.id]);
      expect(await ids({ platform: 'terminal' })).toEqual([]);
    });

    it('pauses, resumes and removes a subscription (with its ledger rows), and says when there was none', async () => {
      const { sub } = await withRun();
      expect(await digests.setPaused(sub.id, true)).toBe(true);
      expect(await digests.getSubscription(sub.id)).toMatchObject({ paused: true });
      expect(await digests.setPaused(sub.id, false)).toBe(true);
      expect(await digests.getSubscription(sub.id)).toMatchObject({ paused: false });
      expect(await digests.setPaused(sub.id + 100, true)).toBe(false);
      expect(await digests.removeSubscription(sub.id)).toBe(true);
      expect(await digests.removeSubscription(sub.id)).toBe(false);
      expect(await digests.getSubscription(sub.id)).toBeUndefined();
      expect(await digests.getRun(sub.id, DAY1)).toBeUndefined();
      expect(await digests.oldestUnfinished(sub.id)).toBeUndefined();
    });

    it('opens a ledger row with its papers fixed, and finds it by due time', async () => {
      const sub = await digests.addSubscription(channel(), MADE);
      const run = await digests.openRun(
        sub.id,
        DAY1,
        { fromSeq: 0, toSeq: 60, ids: [5, 3, 9], more: 57, moreSearch: '/paper x since:2026-11-01 sort:date' },
        DAY1,
      );
      expect(run).toEqual({
        id: run?.id,
        subscriptionId: sub.id,
        dueAt: DAY1.toISOString(),
        status: 'due',
        paperIds: [5, 3, 9],
        more: 57,
        moreSearch: '/paper x since:2026-11-01 sort:date',
        toSeq: 60,
        messageId: null,
        attempts: 0,
        note: null,
        leaseOwner: null,
        leaseUntil: null,
      });
      expect(await digests.getRun(sub.id, DAY1)).toEqual(run);
      expect(await digests.getRun(sub.id, DAY2)).toBeUndefined();
      expect(await digests.oldestUnfinished(sub.id)).toEqual(run);
      const empty = await digests.openRun(
        (await digests.addSubscription(channel(), MADE)).id,
        DAY1,
        { fromSeq: 0, toSeq: 0, ids: [] },
        DAY1,
      );
      expect(empty).toMatchObject({ paperIds: [], more: 0, moreSearch: null });
    });

    it('refuses a new row while an older one is unfinished, at or before a row made already, or after the watermark moved', async () => {
      const { sub, run } = await withRun();
      // A runner whose clock is a day ahead: the older row must finish first.
      expect(await digests.openRun(sub.id, DAY2, { fromSeq: 0, toSeq: 4, ids: [1, 2, 3, 4] }, DAY2)).toBeUndefined();
      // The same due time twice: one row.
      expect(await digests.openRun(sub.id, DAY1, { fromSeq: 0, toSeq: 2, ids: [1, 2] }, DAY1)).toBeUndefined();
      expect(await digests.claimRun(run.id, { owner: 'me', now: T0, ms: MINUTE })).toBeDefined();
      expect(await digests.markSent(run.id, 'me', 'ts-1', DAY1)).toBe(true);
      // The watermark moved to 2: a row computed from 0 would carry papers 1 and 2 again.
      expect(await digests.openRun(sub.id, DAY2, { fromSeq: 0, toSeq: 4, ids: [1, 2, 3, 4] }, DAY2)).toBeUndefined();
      // A runner whose clock is behind: day 1 is done, and so is anything before it.
      expect(await digests.openRun(sub.id, DAY1, { fromSeq: 2, toSeq: 4, ids: [3, 4] }, DAY1)).toBeUndefined();
      expect(
        await digests.openRun(sub.id, new Date('2026-11-28T09:00:00Z'), { fromSeq: 2, toSeq: 4, ids: [3, 4] }, DAY1),
      ).toBeUndefined();
      const next = await digests.openRun(sub.id, DAY2, { fromSeq: 2, toSeq: 4, ids: [3, 4] }, DAY2);
      expect(next).toMatchObject({ status: 'due', paperIds: [3, 4], toSeq: 4 });
      expect(await digests.oldestUnfinished(sub.id)).toEqual(next);
    });

    it('gives the oldest unfinished row of a subscription, whatever order the rows were made in', async () => {
      const { sub, run } = await withRun();
      const other = await digests.addSubscription(channel({ channel: 'C2' }), MADE);
      expect(await digests.oldestUnfinished(other.id)).toBeUndefined();
      expect(await digests.claimRun(run.id, { owner: 'me', now: T0, ms: MINUTE })).toBeDefined();
      expect(await digests.markSending(run.id, 'me', DAY1)).toBe(true);
      expect(await digests.oldestUnfinished(sub.id)).toMatchObject({ id: run.id, status: 'sending' });
      expect(await digests.markEmpty(run.id, 'me', DAY1)).toBe(true);
      expect(await digests.oldestUnfinished(sub.id)).toBeUndefined();
    });

    it('claims a free row by compare-and-set: one live owner at a time, the same owner again, anyone once it ran out', async () => {
      const { run } = await withRun();
      const mine = await digests.claimRun(run.id, { owner: 'a', now: T0, ms: 2 * MINUTE });
      expect(mine).toMatchObject({ id: run.id, status: 'due', leaseOwner: 'a', leaseUntil: T0 + 2 * MINUTE });
      expect(await digests.claimRun(run.id, { owner: 'b', now: T0 + MINUTE, ms: 2 * MINUTE })).toBeUndefined();
      // The holder claims again (a later tick of the same runner): the lease is extended.
      expect(await digests.claimRun(run.id, { owner: 'a', now: T0 + MINUTE, ms: 2 * MINUTE })).toMatchObject({
        leaseOwner: 'a',
        leaseUntil: T0 + 3 * MINUTE,
      });
      expect(await digests.claimRun(run.id, { owner: 'b', now: T0 + 3 * MINUTE - 1, ms: MINUTE })).toBeUndefined();
      // At the instant it runs out, it is free.
      expect(await digests.claimRun(run.id, { owner: 'b', now: T0 + 3 * MINUTE, ms: MINUTE })).toMatchObject({
        leaseOwner: 'b',
        leaseUntil: T0 + 4 * MINUTE,
      });
      expect(await digests.getRun(run.subscriptionId, DAY1)).toMatchObject({ leaseOwner: 'b' });
      expect(await digests.claimRun(run.id + 1000, { owner: 'a', now: T0, ms: MINUTE })).toBeUndefined();
    });

    it('lets only the holder renew, release, mark sending and close; a runner that lost its lease changes nothing', async () => {
      const { sub, run } = await withRun();
      await digests.claimRun(run.id, { owner: 'a', now: T0, ms: MINUTE });
      expect(await digests.renewLease(run.id, { owner: 'b', now: T0, ms: 10 * MINUTE })).toBe(false);
      expect(await digests.renewLease(run.id, { owner: 'a', now: T0 + 30_000, ms: MINUTE })).toBe(true);
      expect(await digests.getRun(sub.id, DAY1)).toMatchObject({ leaseUntil: T0 + 90_000 });
      expect(await digests.markSending(run.id, 'b', DAY1)).toBe(false);
      expect(await digests.markSending(run.id, 'a', DAY1)).toBe(true);
      expect(await digests.getRun(sub.id, DAY1)).toMatchObject({ status: 'sending', attempts: 1 });
      await digests.releaseLease(run.id, 'b');
      expect(await digests.getRun(sub.id, DAY1)).toMatchObject({ leaseOwner: 'a', leaseUntil: T0 + 90_000 });
      // A failed post: the lease is released (the owner stays, as the last holder), so anyone recovers at once.
      await digests.releaseLease(run.id, 'a');
      expect(await digests.getRun(sub.id, DAY1)).toMatchObject({
        status: 'sending',
        leaseOwner: 'a',
        leaseUntil: null,
      });
      expect(await digests.claimRun(run.id, { owner: 'b', now: T0 + 31_000, ms: MINUTE })).toMatchObject({
        leaseOwner: 'b',
        status: 'sending',
      });
      expect(await digests.markSending(run.id, 'b', DAY1)).toBe(true);
      expect(await digests.markSent(run.id, 'a', 'ts-a', DAY1)).toBe(false);
      expect(await digests.markEmpty(run.id, 'a', DAY1)).toBe(false);
      expect(await digests.markSkipped(run.id, 'a', 'late', DAY1)).toBe(false);
      expect(await digests.getSubscription(sub.id)).toMatchObject({ watermark: 0 });
      expect(await digests.markSent(run.id, 'b', 'ts-b', new Date('2026-11-29T09:01:00Z'))).toBe(true);
      expect(await digests.getRun(sub.id, DAY1)).toMatchObject({
        status: 'sent',
        attempts: 2,
        messageId: 'ts-b',
        leaseOwner: 'b',
        leaseUntil: null,
      });
      expect(await digests.getSubscription(sub.id)).toMatchObject({ watermark: 2 });
      // A closed row is nobody's any more.
      expect(await digests.markSent(run.id, 'b', 'ts-again', DAY1)).toBe(false);
      expect(await digests.renewLease(run.id, { owner: 'b', now: T0, ms: MINUTE })).toBe(false);
      expect(await digests.claimRun(run.id, { owner: 'b', now: T0, ms: MINUTE })).toBeUndefined();
      expect(await digests.getRun(sub.id, DAY1)).toMatchObject({ messageId: 'ts-b' });
    });

    it('moves the watermark when a row is sent without a message id or found empty, never when it is skipped', async () => {
      const sub = await digests.addSubscription(channel({ watermark: 10 }), MADE);
      const first = await digests.openRun(sub.id, DAY1, { fromSeq: 10, toSeq: 14, ids: [11, 12] }, DAY1);
      await digests.claimRun(first?.id ?? 0, { owner: 'a', now: T0, ms: MINUTE });
      expect(await digests.markSkipped(first?.id ?? 0, 'a', 'more than 12 hours late', DAY1)).toBe(true);
      expect(await digests.getRun(sub.id, DAY1)).toMatchObject({
        status: 'skipped',
        note: 'more than 12 hours late',
        leaseUntil: null,
      });
      expect(await digests.getSubscription(sub.id)).toMatchObject({ watermark: 10 });
      // The skipped papers go out with the next digest, from the same watermark.
      const second = await digests.openRun(sub.id, DAY2, { fromSeq: 10, toSeq: 15, ids: [11, 12, 15] }, DAY2);
      expect(second).toMatchObject({ paperIds: [11, 12, 15] });
      await digests.claimRun(second?.id ?? 0, { owner: 'a', now: T0, ms: MINUTE });
      expect(await digests.markSent(second?.id ?? 0, 'a', null, DAY2)).toBe(true);
      expect(await digests.getRun(sub.id, DAY2)).toMatchObject({ status: 'sent', messageId: null });
      expect(await digests.getSubscription(sub.id)).toMatchObject({ watermark: 15 });
      const day3 = new Date('2026-12-01T09:00:00Z');
      const third = await digests.openRun(sub.id, day3, { fromSeq: 15, toSeq: 15, ids: [] }, day3);
      await digests.claimRun(third?.id ?? 0, { owner: 'a', now: T0, ms: MINUTE });
      expect(await digests.markEmpty(third?.id ?? 0, 'a', day3)).toBe(true);
      expect(await digests.getRun(sub.id, day3)).toMatchObject({ status: 'empty', leaseUntil: null });
      expect(await digests.getSubscription(sub.id)).toMatchObject({ watermark: 15 });
    });

    it('lists the announced papers stored after one sequence number up to another, newest date first, then in stored order', async () => {
      const stored = await opened.addPapers([
        { date: '2026-11-18', announce: true },
        { date: '2026-11-20', announce: true },
        { date: '2026-11-20', announce: false },
        { date: '2026-11-19', announce: true },
        { date: '2026-11-20', announce: true },
        { date: '2026-11-21', announce: true },
      ]);
      const [p1, p2, , p4, p5, p6] = stored.map((p) => p.id);
      const seq = stored.map((p) => p.seq);
      expect(seq).toEqual([...seq].sort((x, y) => x - y));
      expect(await digests.newPaperIds(0, seq[5] ?? 0)).toEqual([p6, p2, p5, p4, p1]);
      expect(await digests.newPaperIds(seq[0] ?? 0, seq[4] ?? 0)).toEqual([p2, p5, p4]);
      expect(await digests.newPaperIds(seq[5] ?? 0, (seq[5] ?? 0) + 10)).toEqual([]);
    });

    it("R2: times a lease without `now` by the database's own clock, and tells that clock", async () => {
      const { run } = await withRun();
      const before = Date.now();
      const dbNow = await digests.clock();
      // The test database runs on this machine: its clock and this one agree to within a few seconds.
      expect(Math.abs(dbNow - before)).toBeLessThan(5000);
      const claimed = await digests.claimRun(run.id, { owner: 'a', ms: MINUTE });
      expect(claimed?.leaseUntil).toBeGreaterThanOrEqual(dbNow + MINUTE - 1000);
      expect(claimed?.leaseUntil).toBeLessThanOrEqual(Date.now() + MINUTE + 5000);
      // Live by the database's clock: another runner cannot take it, whatever its own clock says.
      expect(await digests.claimRun(run.id, { owner: 'b', ms: MINUTE })).toBeUndefined();
      expect(await digests.renewLease(run.id, { owner: 'a', ms: 2 * MINUTE })).toBe(true);
      expect((await digests.getRun(run.subscriptionId, DAY1))?.leaseUntil).toBeGreaterThanOrEqual(
        dbNow + 2 * MINUTE - 1000,
      );
    });

    it('R3: holds a row whose post has an unknown outcome: nobody, its runner included, claims it before the recheck time', async () => {
      const { sub, run } = await withRun();
      await digests.claimRun(run.id, { owner: 'a', ms: MINUTE });
      await digests.markSending(run.id, 'a', DAY1);
      expect(await digests.holdForRecheck(run.id, 'b', MINUTE, 'not mine')).toBe(false);
      const dbNow = await digests.clock();
      expect(await digests.holdForRecheck(run.id, 'a', 2 * MINUTE, 'outcome unknown (timeout)')).toBe(true);
      const held = await digests.getRun(sub.id, DAY1);
      expect(held).toMatchObject({ status: 'sending', leaseOwner: OUTCOME_UNKNOWN, note: 'outcome unknown (timeout)' });
      expect(held?.leaseUntil).toBeGreaterThanOrEqual(dbNow + 2 * MINUTE - 1000);
      expect(await digests.claimRun(run.id, { owner: 'a', ms: MINUTE })).toBeUndefined();
      expect(await digests.claimRun(run.id, { owner: 'b', ms: MINUTE })).toBeUndefined();
      // Once the recheck time has passed, any runner claims it (and looks on the platform first: it is "sending").
      const later = (held?.leaseUntil ?? 0) + 1;
      expect(await digests.claimRun(run.id, { owner: 'b', now: later, ms: MINUTE })).toMatchObject({
        status: 'sending',
        leaseOwner: 'b',
      });
    });

    it('R4: lists the rows dated after a time, and lets a stale row (dated after `staleAfter`) block no new row', async () => {
      const sub = await digests.addSubscription(channel(), MADE);
      const nextYear = new Date('2027-11-29T09:00:00Z');
      const future = await digests.openRun(sub.id, nextYear, { fromSeq: 0, toSeq: 0, ids: [] }, nextYear);
      await digests.claimRun(future?.id ?? 0, { owner: 'a', now: T0, ms: MINUTE });
      await digests.markEmpty(future?.id ?? 0, 'a', nextYear);
      expect((await digests.runsAfter(DAY1, sub.id)).map((r) => r.dueAt)).toEqual([nextYear.toISOString()]);
      expect((await digests.runsAfter(DAY1)).map((r) => r.id)).toEqual([future?.id]);
      expect(await digests.runsAfter(nextYear, sub.id)).toEqual([]);
      // Not stale: the row a year ahead refuses an earlier one (papers are never in two rows).
      expect(await digests.openRun(sub.id, DAY1, { fromSeq: 0, toSeq: 0, ids: [] }, DAY1)).toBeUndefined();
      expect(
        await digests.openRun(sub.id, DAY1, { fromSeq: 0, toSeq: 0, ids: [] }, DAY1, new Date('2027-12-01T00:00:00Z')),
      ).toBeUndefined();
      // Stale (dated after `staleAfter`): it refuses nothing.
      expect(
        await digests.openRun(sub.id, DAY1, { fromSeq: 0, toSeq: 0, ids: [] }, DAY1, new Date('2026-11-30T09:00:00Z')),
      ).toMatchObject({ status: 'due', dueAt: DAY1.toISOString() });
    });

    it('R5: prunes finished rows: empty ones after their limit, the others after theirs, never the newest of a subscription nor an unfinished one', async () => {
      const sub = await digests.addSubscription(channel(), MADE);
      const other = await digests.addSubscription(channel({ channel: 'C2' }), MADE);
      const day = (n: number) => new Date(Date.UTC(2026, 10, n, 9));
      const close = async (subscriptionId: number, n: number, how: 'sent' | 'empty' | 'skipped' | 'open') => {
        const row = await digests.openRun(subscriptionId, day(n), { fromSeq: 0, toSeq: 0, ids: [] }, day(n));
        if (!row) throw new Error(`row for day ${n} refused`);
        if (how === 'open') return;
        await digests.claimRun(row.id, { owner: 'a', now: T0, ms: MINUTE });
        if (how === 'sent') await digests.markSent(row.id, 'a', 'ts', day(n));
        if (how === 'empty') await digests.markEmpty(row.id, 'a', day(n));
        if (how === 'skipped') await digests.markSkipped(row.id, 'a', 'late', day(n));
      };
      await close(sub.id, 1, 'sent');
      await close(sub.id, 2, 'empty');
      await close(sub.id, 3, 'skipped');
      await close(sub.id, 10, 'empty');
      await close(sub.id, 11, 'empty');
      await close(sub.id, 12, 'sent');
      await close(sub.id, 13, 'open');
      await close(other.id, 2, 'empty');
      // Sent and skipped rows before the 5th go, empty rows before the 11th go; the other subscription's only row stays.
      expect(await digests.pruneRuns(day(5), day(11))).toBe(4);
      const left = async (id: number) => (await digests.runsAfter(new Date(0), id)).map((r) => r.dueAt.slice(8, 10));
      expect(await left(sub.id)).toEqual(['11', '12', '13']);
      expect(await left(other.id)).toEqual(['02']);
    });
  });
}
