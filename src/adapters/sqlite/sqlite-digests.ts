import type Database from 'better-sqlite3';
import { type DigestRun, type DigestStore, OUTCOME_UNKNOWN } from '../../core/digest/digest-store.ts';
import type { SubscriptionRow } from '../../core/digest/subscription-rules.ts';
import { SUBSCRIPTION_COLUMNS, toSubscription, toSubscriptionValues } from '../../core/digest/subscription-rules.ts';
import { promised } from './sqlite-promised.ts';

interface RunRow {
  id: number;
  subscription_id: number;
  due_at: string;
  status: string;
  to_seq: number;
  paper_ids: string;
  message_id: string | null;
  attempts: number;
  note: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  more_papers: number;
  more_search: string | null;
}

const toRun = (row: RunRow): DigestRun => ({
  id: row.id,
  subscriptionId: row.subscription_id,
  dueAt: row.due_at,
  status: row.status as DigestRun['status'],
  paperIds: JSON.parse(row.paper_ids) as number[],
  more: row.more_papers,
  moreSearch: row.more_search,
  toSeq: row.to_seq,
  messageId: row.message_id,
  attempts: row.attempts,
  note: row.note,
  leaseOwner: row.lease_owner,
  leaseUntil: row.lease_until,
});

// Every write that moves a row on is guarded by the lease: a runner that lost it changes nothing.
const HELD = `id = @id AND lease_owner = @owner AND status IN ('due', 'sending')`;

/**
 * Subscriptions and the digest ledger in the same SQLite database as the papers. Leases are timed by `clock`:
 * SQLite has no server, and every process on the file runs on this one machine, so its clock is the database's
 * (tests give a store a clock of its own to play out time).
 */
export function createSqliteDigests(db: Database.Database, options: { clock?: () => number } = {}): DigestStore {
  const clock = options.clock ?? Date.now;
  const byId = db.prepare<[number], SubscriptionRow>('SELECT * FROM subscriptions WHERE id = ?');
  const runOf = db.prepare<[number, string], RunRow>(
    'SELECT * FROM digest_runs WHERE subscription_id = ? AND due_at = ?',
  );
  const oldest = db.prepare<[number], RunRow>(
    `SELECT * FROM digest_runs WHERE subscription_id = ? AND status IN ('due', 'sending') ORDER BY due_at LIMIT 1`,
  );
  const insertRun = db.prepare(
    `INSERT INTO digest_runs (subscription_id, due_at, status, to_seq, paper_ids, more_papers, more_search, updated_at)
     SELECT @sub, @due, 'due', @toSeq, @ids, @more, @moreSearch, @now
     WHERE (SELECT watermark FROM subscriptions WHERE id = @sub) = @fromSeq
       AND NOT EXISTS (SELECT 1 FROM digest_runs
                       WHERE subscription_id = @sub
                         AND (status IN ('due', 'sending') OR (due_at >= @due AND (@stale IS NULL OR due_at <= @stale))))`,
  );
  const claim = db.prepare<[{ id: number; owner: string; now: number; until: number }], RunRow>(
    `UPDATE digest_runs SET lease_owner = @owner, lease_until = @until
     WHERE id = @id AND status IN ('due', 'sending')
       AND (lease_until IS NULL OR lease_until <= @now OR lease_owner = @owner)
     RETURNING *`,
  );
  const renew = db.prepare(`UPDATE digest_runs SET lease_until = @until WHERE ${HELD}`);
  const release = db.prepare(`UPDATE digest_runs SET lease_until = NULL WHERE ${HELD}`);
  const recheck = db.prepare(
    `UPDATE digest_runs SET lease_owner = '${OUTCOME_UNKNOWN}', lease_until = @until, note = @note WHERE ${HELD}`,
  );
  const after = db.prepare<[{ after: string; sub: number | null }], RunRow>(
    `SELECT * FROM digest_runs WHERE due_at > @after AND (@sub IS NULL OR subscription_id = @sub)
     ORDER BY due_at, id`,
  );
  // A subscription's newest row stays: it is what "no row at or after this due time" is checked against.
  const prune = db.prepare(
    `DELETE FROM digest_runs
     WHERE status IN ('sent', 'empty', 'skipped')
       AND (due_at < @before OR (status = 'empty' AND due_at < @emptyBefore))
       AND due_at < (SELECT max(d.due_at) FROM digest_runs d WHERE d.subscription_id = digest_runs.subscription_id)`,
  );
  const sending = db.prepare(
    `UPDATE digest_runs SET status = 'sending', attempts = attempts + 1, updated_at = @now WHERE ${HELD}`,
  );
  const close = db.prepare(
    `UPDATE digest_runs SET status = @status, message_id = coalesce(@messageId, message_id), note = coalesce(@note, note),
       lease_until = NULL, updated_at = @now
     WHERE ${HELD} RETURNING subscription_id, to_seq`,
  );
  const advance = db.prepare<[number, number]>('UPDATE subscriptions SET watermark = max(watermark, ?) WHERE id = ?');

  const insertSubscription = db.prepare<unknown[]>(
    `INSERT INTO subscriptions (${SUBSCRIPTION_COLUMNS.join(', ')})
     VALUES (${SUBSCRIPTION_COLUMNS.map(() => '?').join(', ')})`,
  );

  type Closing = { id: number; owner: string; status: 'sent' | 'empty' | 'skipped'; now: string };
  // The row is closed and (unless skipped) the watermark moved in one transaction, and only by the lease holder.
  const finish = db.transaction(
    (closing: Closing, messageId: string | null = null, note: string | null = null): boolean => {
      const closed = close.get({ ...closing, messageId, note }) as
        | { subscription_id: number; to_seq: number }
        | undefined;
      if (!closed) return false;
      if (closing.status !== 'skipped') advance.run(closed.to_seq, closed.subscription_id);
      return true;
    },
  );

  return promised<DigestStore>({
    addSubscription(input, now) {
      // better-sqlite3 binds neither booleans nor dates.
      const values = toSubscriptionValues(input, now).map((v) =>
        typeof v === 'boolean' ? Number(v) : v instanceof Date ? v.toISOString() : v,
      );
      const info = insertSubscription.run(values);
      return toSubscription(byId.get(Number(info.lastInsertRowid)) as SubscriptionRow);
    },
    listSubscriptions(filter = {}) {
      return db
        .prepare<[{ platform: string | null; channel: string | null }], SubscriptionRow>(
          `SELECT * FROM subscriptions
           WHERE (@platform IS NULL OR platform = @platform) AND (@channel IS NULL OR channel = @channel) ORDER BY id`,
        )
        .all({ platform: filter.platform ?? null, channel: filter.channel ?? null })
        .map(toSubscription);
    },
    getSubscription(id) {
      const row = byId.get(id);
      return row ? toSubscription(row) : undefined;
    },
    setPaused(id, paused) {
      return db.prepare('UPDATE subscriptions SET paused = ? WHERE id = ?').run(paused ? 1 : 0, id).changes > 0;
    },
    removeSubscription(id) {
      return db.prepare('DELETE FROM subscriptions WHERE id = ?').run(id).changes > 0;
    },
    getRun(subscriptionId, dueAt) {
      const row = runOf.get(subscriptionId, dueAt.toISOString());
      return row ? toRun(row) : undefined;
    },
    oldestUnfinished(subscriptionId) {
      const row = oldest.get(subscriptionId);
      return row ? toRun(row) : undefined;
    },
    openRun(subscriptionId, dueAt, papers, now, staleAfter) {
      const due = dueAt.toISOString();
      const made = insertRun.run({
        sub: subscriptionId,
        due,
        fromSeq: papers.fromSeq,
        toSeq: papers.toSeq,
        ids: JSON.stringify(papers.ids),
        more: papers.more ?? 0,
        moreSearch: papers.moreSearch ?? null,
        now: now.toISOString(),
        stale: staleAfter?.toISOString() ?? null,
      });
      return made.changes > 0 ? toRun(runOf.get(subscriptionId, due) as RunRow) : undefined;
    },
    claimRun(runId, lease) {
      const now = lease.now ?? clock();
      const row = claim.get({ id: runId, owner: lease.owner, now, until: now + lease.ms });
      return row ? toRun(row) : undefined;
    },
    renewLease(runId, lease) {
      return renew.run({ id: runId, owner: lease.owner, until: (lease.now ?? clock()) + lease.ms }).changes > 0;
    },
    releaseLease(runId, owner) {
      release.run({ id: runId, owner });
    },
    holdForRecheck(runId, owner, ms, note) {
      return recheck.run({ id: runId, owner, until: clock() + ms, note }).changes > 0;
    },
    clock: () => clock(),
    runsAfter(at, subscriptionId) {
      return after.all({ after: at.toISOString(), sub: subscriptionId ?? null }).map(toRun);
    },
    pruneRuns(before, emptyBefore) {
      return prune.run({ before: before.toISOString(), emptyBefore: emptyBefore.toISOString() }).changes;
    },
    markSending(runId, owner, now) {
      return sending.run({ id: runId, owner, now: now.toISOString() }).changes > 0;
    },
    markSent: (runId, owner, messageId, now) =>
      finish.immediate({ id: runId, owner, status: 'sent', now: now.toISOString() }, messageId),
    markEmpty: (runId, owner, now) => finish.immediate({ id: runId, owner, status: 'empty', now: now.toISOString() }),
    markSkipped: (runId, owner, note, now) =>
      finish.immediate({ id: runId, owner, status: 'skipped', now: now.toISOString() }, null, note),
    newPaperIds(afterSeq, upToSeq) {
      return db
        .prepare<[number, number], { id: number }>(
          'SELECT id FROM papers WHERE seq > ? AND seq <= ? AND announce = 1 ORDER BY date DESC, seq',
        )
        .all(afterSeq, upToSeq)
        .map((r) => r.id);
    },
  });
}
