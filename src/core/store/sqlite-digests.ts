import type Database from 'better-sqlite3';
import type { DigestRun, DigestStore, Platform, Subscription } from '../digest/digest-store.ts';

interface SubscriptionRow {
  id: number;
  platform: string;
  channel: string;
  kind: string;
  query: string;
  time: string;
  tz: string;
  watermark: number;
  paused: number;
  post_empty: number;
  created_by: string | null;
  created_at: string;
}

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
}

const toSubscription = (row: SubscriptionRow): Subscription => ({
  id: row.id,
  platform: row.platform as Platform,
  channel: row.channel,
  kind: row.kind as Subscription['kind'],
  query: row.query,
  time: row.time,
  tz: row.tz,
  watermark: row.watermark,
  paused: row.paused === 1,
  postEmpty: row.post_empty === 1,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

const toRun = (row: RunRow): DigestRun => ({
  id: row.id,
  subscriptionId: row.subscription_id,
  dueAt: row.due_at,
  status: row.status as DigestRun['status'],
  paperIds: JSON.parse(row.paper_ids) as number[],
  toSeq: row.to_seq,
  messageId: row.message_id,
  attempts: row.attempts,
  note: row.note,
});

/** Subscriptions and the digest ledger in the same SQLite database as the papers. */
export function createSqliteDigests(db: Database.Database): DigestStore {
  const byId = db.prepare<[number], SubscriptionRow>('SELECT * FROM subscriptions WHERE id = ?');
  const runOf = db.prepare<[number, string], RunRow>(
    'SELECT * FROM digest_runs WHERE subscription_id = ? AND due_at = ?',
  );
  const runById = db.prepare<[number], RunRow>('SELECT * FROM digest_runs WHERE id = ?');
  const setStatus = db.prepare<[string, string | null, string, number]>(
    'UPDATE digest_runs SET status = ?, note = coalesce(?, note), updated_at = ? WHERE id = ?',
  );
  const advance = db.prepare<[number, number]>('UPDATE subscriptions SET watermark = max(watermark, ?) WHERE id = ?');

  const finish = db.transaction((runId: number, status: 'sent' | 'empty', messageId: string | null, now: string) => {
    const run = runById.get(runId);
    if (!run) return;
    db.prepare('UPDATE digest_runs SET status = ?, message_id = ?, updated_at = ? WHERE id = ?').run(
      status,
      messageId,
      now,
      runId,
    );
    advance.run(run.to_seq, run.subscription_id);
  });

  return {
    addSubscription(input, now) {
      const info = db
        .prepare(
          `INSERT INTO subscriptions (platform, channel, kind, query, time, tz, watermark, post_empty, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.platform,
          input.channel,
          input.kind,
          input.query,
          input.time,
          input.tz,
          input.watermark,
          input.postEmpty ? 1 : 0,
          input.createdBy,
          now.toISOString(),
        );
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
    openRun(subscriptionId, dueAt, toSeq, paperIds, now) {
      const due = dueAt.toISOString();
      // INSERT OR IGNORE: two runners racing for the same digest make one row, and both then read it.
      db.prepare(
        `INSERT OR IGNORE INTO digest_runs (subscription_id, due_at, status, to_seq, paper_ids, updated_at)
         VALUES (?, ?, 'due', ?, ?, ?)`,
      ).run(subscriptionId, due, toSeq, JSON.stringify(paperIds), now.toISOString());
      return toRun(runOf.get(subscriptionId, due) as RunRow);
    },
    markSending(runId, now) {
      db.prepare(`UPDATE digest_runs SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?`).run(
        now.toISOString(),
        runId,
      );
    },
    markSent: (runId, messageId, now) => finish.immediate(runId, 'sent', messageId, now.toISOString()),
    markEmpty: (runId, now) => finish.immediate(runId, 'empty', null, now.toISOString()),
    markSkipped(runId, note, now) {
      setStatus.run('skipped', note, now.toISOString(), runId);
    },
    newPaperIds(afterSeq, upToSeq) {
      return db
        .prepare<[number, number], { id: number }>('SELECT id FROM papers WHERE seq > ? AND seq <= ? ORDER BY seq')
        .all(afterSeq, upToSeq)
        .map((r) => r.id);
    },
  };
}
