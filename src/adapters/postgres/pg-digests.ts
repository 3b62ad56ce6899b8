import { type DigestRun, type DigestStore, OUTCOME_UNKNOWN } from '../../core/digest/digest-store.ts';
import type { SubscriptionRow } from '../../core/digest/subscription-rules.ts';
import { SUBSCRIPTION_COLUMNS, toSubscription, toSubscriptionValues } from '../../core/digest/subscription-rules.ts';
import { inOwnTransaction } from './pg-atomic.ts';
import type { PgSession } from './pg-session.ts';

interface RunRow {
  id: string;
  subscription_id: string;
  due_at: Date;
  status: string;
  to_seq: string;
  paper_ids: string[];
  message_id: string | null;
  attempts: number;
  note: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  more_papers: number;
  more_search: string | null;
}

// bigint columns come back from node-postgres as strings; every value Paperboy keeps in them is a safe integer.
const toRun = (row: RunRow): DigestRun => ({
  id: Number(row.id),
  subscriptionId: Number(row.subscription_id),
  dueAt: row.due_at.toISOString(),
  status: row.status as DigestRun['status'],
  paperIds: row.paper_ids.map(Number),
  more: row.more_papers,
  moreSearch: row.more_search,
  toSeq: Number(row.to_seq),
  messageId: row.message_id,
  attempts: row.attempts,
  note: row.note,
  leaseOwner: row.lease_owner,
  leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
});

// Every write that moves a row on is guarded by the lease ($1 the run, $2 the owner): a runner that lost it
// changes nothing. Each is one UPDATE, so PostgreSQL's row lock makes it a compare-and-set across instances.
const HELD = `id = $1 AND lease_owner = $2 AND status IN ('due', 'sending')`;
// The database's clock in milliseconds: every lease is timed by it, so instances whose clocks disagree agree on
// when a lease runs out. A lease given an explicit `now` (tests) uses that instead.
const DB_NOW_MS = `(extract(epoch from now()) * 1000)::bigint`;

/**
 * Subscriptions and the digest ledger in PostgreSQL, with the semantics of the SQLite ledger
 * (src/adapters/sqlite/sqlite-digests.ts, docs/digests.md), for any number of instances on one database.
 *
 * Its queries go to the session's pool, never into a transaction open on the session: every ledger write stands
 * alone (the digest runner never wraps them in one), and a claim, a lease renewal or a close made while another
 * flow of the process has a transaction open on the same session (an ingest) must be seen by other instances at
 * once, and must not be undone if that transaction rolls back.
 */
export function createPgDigests(session: PgSession): DigestStore {
  const { pool } = session;
  const runOf = async (subscriptionId: number, due: Date) => {
    const { rows } = await pool.query<RunRow>('SELECT * FROM digest_runs WHERE subscription_id = $1 AND due_at = $2', [
      subscriptionId,
      due,
    ]);
    return rows[0] && toRun(rows[0]);
  };

  // The row is closed and (unless skipped) the watermark moved in one statement, and only by the lease holder.
  const finish = async (
    runId: number,
    owner: string,
    status: 'sent' | 'empty' | 'skipped',
    now: Date,
    messageId: string | null = null,
    note: string | null = null,
  ): Promise<boolean> => {
    const { rows } = await pool.query<{ n: number }>(
      `WITH closed AS (
         UPDATE digest_runs SET status = $3, message_id = coalesce($4, message_id), note = coalesce($5, note),
           lease_until = NULL, updated_at = $6
         WHERE ${HELD} RETURNING subscription_id, to_seq
       ), moved AS (
         UPDATE subscriptions s SET watermark = greatest(s.watermark, closed.to_seq)
         FROM closed WHERE s.id = closed.subscription_id AND $3 <> 'skipped'
       )
       SELECT count(*)::int AS n FROM closed`,
      [runId, owner, status, messageId, note, now],
    );
    return (rows[0]?.n ?? 0) > 0;
  };

  return {
    async addSubscription(input, now) {
      const { rows } = await pool.query<SubscriptionRow>(
        `INSERT INTO subscriptions (${SUBSCRIPTION_COLUMNS.join(', ')})
         VALUES (${SUBSCRIPTION_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
        toSubscriptionValues(input, now),
      );
      return toSubscription(rows[0] as SubscriptionRow);
    },
    async listSubscriptions(filter = {}) {
      const { rows } = await pool.query<SubscriptionRow>(
        `SELECT * FROM subscriptions
         WHERE ($1::text IS NULL OR platform = $1) AND ($2::text IS NULL OR channel = $2) ORDER BY id`,
        [filter.platform ?? null, filter.channel ?? null],
      );
      return rows.map(toSubscription);
    },
    async getSubscription(id) {
      const { rows } = await pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE id = $1', [id]);
      return rows[0] && toSubscription(rows[0]);
    },
    async setPaused(id, paused) {
      const result = await pool.query('UPDATE subscriptions SET paused = $2 WHERE id = $1', [id, paused]);
      return (result.rowCount ?? 0) > 0;
    },
    async removeSubscription(id) {
      const result = await pool.query('DELETE FROM subscriptions WHERE id = $1', [id]);
      return (result.rowCount ?? 0) > 0;
    },
    getRun: runOf,
    async oldestUnfinished(subscriptionId) {
      const { rows } = await pool.query<RunRow>(
        `SELECT * FROM digest_runs WHERE subscription_id = $1 AND status IN ('due', 'sending') ORDER BY due_at LIMIT 1`,
        [subscriptionId],
      );
      return rows[0] && toRun(rows[0]);
    },
    openRun(subscriptionId, dueAt, papers, now, staleAfter) {
      // Runners opening rows of one subscription queue on its row lock, so the second one's checks (a new
      // statement, a new snapshot) see the first one's row: one unfinished row at a time, a paper in one row.
      return inOwnTransaction(pool, async (query) => {
        await query('SELECT 1 FROM subscriptions WHERE id = $1 FOR UPDATE', [subscriptionId]);
        const { rows } = await query<RunRow>(
          `INSERT INTO digest_runs (subscription_id, due_at, status, to_seq, paper_ids, more_papers, more_search,
             updated_at)
           SELECT $1::bigint, $2::timestamptz, 'due', $4::bigint, $5::bigint[], $6::int, $7::text, $8::timestamptz
           WHERE (SELECT watermark FROM subscriptions WHERE id = $1) = $3
             AND NOT EXISTS (SELECT 1 FROM digest_runs
                             WHERE subscription_id = $1
                               AND (status IN ('due', 'sending')
                                    OR (due_at >= $2 AND ($9::timestamptz IS NULL OR due_at <= $9))))
           ON CONFLICT (subscription_id, due_at) DO NOTHING
           RETURNING *`,
          [
            subscriptionId,
            dueAt,
            papers.fromSeq,
            papers.toSeq,
            papers.ids,
            papers.more ?? 0,
            papers.moreSearch ?? null,
            now,
            staleAfter ?? null,
          ],
        );
        return rows[0] && toRun(rows[0]);
      });
    },
    async claimRun(runId, lease) {
      // One UPDATE: a second instance claiming at once waits for the first one's row lock, then finds the lease
      // taken (PostgreSQL re-checks the WHERE on the row as the first one left it).
      const { rows } = await pool.query<RunRow>(
        `UPDATE digest_runs SET lease_owner = $2, lease_until = coalesce($3::bigint, ${DB_NOW_MS}) + $4::bigint
         WHERE id = $1 AND status IN ('due', 'sending')
           AND (lease_until IS NULL OR lease_until <= coalesce($3::bigint, ${DB_NOW_MS}) OR lease_owner = $2)
         RETURNING *`,
        [runId, lease.owner, lease.now ?? null, lease.ms],
      );
      return rows[0] && toRun(rows[0]);
    },
    async renewLease(runId, lease) {
      const result = await pool.query(
        `UPDATE digest_runs SET lease_until = coalesce($3::bigint, ${DB_NOW_MS}) + $4::bigint WHERE ${HELD}`,
        [runId, lease.owner, lease.now ?? null, lease.ms],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async releaseLease(runId, owner) {
      await pool.query(`UPDATE digest_runs SET lease_until = NULL WHERE ${HELD}`, [runId, owner]);
    },
    async holdForRecheck(runId, owner, ms, note) {
      const result = await pool.query(
        `UPDATE digest_runs SET lease_owner = '${OUTCOME_UNKNOWN}', lease_until = ${DB_NOW_MS} + $3::bigint, note = $4
         WHERE ${HELD}`,
        [runId, owner, ms, note],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async clock() {
      const { rows } = await pool.query<{ ms: string }>(`SELECT ${DB_NOW_MS} AS ms`);
      return Number(rows[0]?.ms);
    },
    async runsAfter(after, subscriptionId) {
      const { rows } = await pool.query<RunRow>(
        `SELECT * FROM digest_runs WHERE due_at > $1 AND ($2::bigint IS NULL OR subscription_id = $2)
         ORDER BY due_at, id`,
        [after, subscriptionId ?? null],
      );
      return rows.map(toRun);
    },
    async pruneRuns(before, emptyBefore) {
      // A subscription's newest row stays: it is what "no row at or after this due time" is checked against.
      const result = await pool.query(
        `DELETE FROM digest_runs r
         WHERE status IN ('sent', 'empty', 'skipped')
           AND (due_at < $1 OR (status = 'empty' AND due_at < $2))
           AND due_at < (SELECT max(d.due_at) FROM digest_runs d WHERE d.subscription_id = r.subscription_id)`,
        [before, emptyBefore],
      );
      return result.rowCount ?? 0;
    },
    async markSending(runId, owner, now) {
      const result = await pool.query(
        `UPDATE digest_runs SET status = 'sending', attempts = attempts + 1, updated_at = $3 WHERE ${HELD}`,
        [runId, owner, now],
      );
      return (result.rowCount ?? 0) > 0;
    },
    markSent: (runId, owner, messageId, now) => finish(runId, owner, 'sent', now, messageId),
    markEmpty: (runId, owner, now) => finish(runId, owner, 'empty', now),
    markSkipped: (runId, owner, note, now) => finish(runId, owner, 'skipped', now, null, note),
    async newPaperIds(afterSeq, upToSeq) {
      // The papers table (pg-papers-schema.ts) keeps `announce` as a boolean and `date` in the C collation, so
      // dates sort as on SQLite.
      const { rows } = await pool.query<{ id: string }>(
        'SELECT id FROM papers WHERE seq > $1 AND seq <= $2 AND announce ORDER BY date DESC, seq',
        [afterSeq, upToSeq],
      );
      return rows.map((r) => Number(r.id));
    },
  };
}
