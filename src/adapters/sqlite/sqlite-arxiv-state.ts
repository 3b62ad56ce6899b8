import type Database from 'better-sqlite3';
import type { ArxivFeedRow, ArxivState, BackfillRow } from '../../core/arxiv/arxiv-state.ts';
import { toBackfillPosition } from '../../core/arxiv/arxiv-state.ts';
import { promised } from './sqlite-promised.ts';

interface FeedRow {
  updated: string | null;
  synced_at: string | null;
  done_day: string | null;
  tried_at: number | null;
}

/** The arXiv source's state in SQLite (tables `arxiv_feeds` and `arxiv_backfills`, migration 10). */
export function createSqliteArxivState(db: Database.Database): ArxivState {
  const ensure = db.prepare('INSERT OR IGNORE INTO arxiv_feeds (feed) VALUES (?)');
  const feedRow = db.prepare<[string], FeedRow>(
    'SELECT updated, synced_at, done_day, tried_at FROM arxiv_feeds WHERE feed = ?',
  );
  const synced = db.prepare<[string | null, string, string]>(
    'UPDATE arxiv_feeds SET updated = ?, synced_at = ? WHERE feed = ?',
  );
  const tried = db.prepare<[number, string | null, string]>(
    'UPDATE arxiv_feeds SET tried_at = ?, done_day = coalesce(?, done_day) WHERE feed = ?',
  );
  const claim = db.prepare<[string, number, string, number, string]>(
    `UPDATE arxiv_feeds SET lease_owner = ?, lease_until = ?
     WHERE feed = ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)`,
  );
  const release = db.prepare<[string, string]>(
    'UPDATE arxiv_feeds SET lease_owner = NULL, lease_until = NULL WHERE feed = ? AND lease_owner = ?',
  );
  const backfillRow = db.prepare<[string], BackfillRow>(
    'SELECT category_index, token, pages, entries, done FROM arxiv_backfills WHERE key = ?',
  );
  const saveBackfill = db.prepare<[string, number, string | null, number, number, number, string]>(
    `INSERT INTO arxiv_backfills (key, category_index, token, pages, entries, done, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET category_index = excluded.category_index, token = excluded.token,
       pages = excluded.pages, entries = excluded.entries, done = excluded.done, updated_at = excluded.updated_at`,
  );
  return promised<ArxivState>({
    feed(feed): ArxivFeedRow {
      const row = feedRow.get(feed);
      return {
        updated: row?.updated ?? null,
        syncedAt: row?.synced_at ?? null,
        doneDay: row?.done_day ?? null,
        triedAt: row?.tried_at ?? null,
      };
    },
    markSynced(feed, updated, now) {
      ensure.run(feed);
      synced.run(updated, now.toISOString(), feed);
    },
    markTried(feed, at, doneDay) {
      ensure.run(feed);
      tried.run(at, doneDay, feed);
    },
    claim(feed, owner, now, ms) {
      ensure.run(feed);
      return claim.run(owner, now + ms, feed, now, owner).changes === 1;
    },
    release(feed, owner) {
      release.run(feed, owner);
    },
    backfill(key) {
      const row = backfillRow.get(key);
      return row && toBackfillPosition(row);
    },
    saveBackfill(key, p, now) {
      saveBackfill.run(key, p.categoryIndex, p.token, p.pages, p.entries, p.done ? 1 : 0, now.toISOString());
    },
  });
}
